import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ReportFinalizedSchema, ResultFinalizedSchema, Topics } from '@hosp/contracts';
import {
  authHeader,
  bootService,
  type BootedService,
  eventually,
  jsonApi,
  type JsonApi,
  publishAs,
} from '@hosp/service-testing';
import {
  createDevelopmentPkcs12,
  envelopeXsd,
  layoutFor,
  loadPkcs12,
  readEnvelope,
  tableDef,
  tableXsd,
} from '@hosp/standards-bhyt-xml';
import { BhxhGatewaySimulator } from '@hosp/testing/simulators';
import { CLAIMS_CATALOG } from '../../../services/claims/test/integration/support/claims-fixture';
import { AppModule as ClaimsModule } from '../../../services/claims/src/app.module';
import { serviceDefinition as claimsDefinition } from '../../../services/claims/src/service.definition';
import { AppModule as HisModule } from '../../../services/his/src/app.module';
import { serviceDefinition as hisDefinition } from '../../../services/his/src/service.definition';

const DAY_MS = 86_400_000;
/** A date `days` from today, YYYY-MM-DD, so the cards stay valid whatever year the test runs in. */
const day = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
const card = (benefit: number, group = 'DN') =>
  `${group}${benefit}79${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;

const HIS_SERVICES = [
  {
    code: 'KB01',
    name: 'Khám Nội',
    category: 'exam',
    hospitalPrice: '34500',
    insurancePrice: '34500',
    performingDepartment: 'K01',
  },
  {
    code: 'XN-CBC',
    name: 'Tổng phân tích tế bào máu ngoại vi',
    category: 'laboratory',
    hospitalPrice: '40000',
    insurancePrice: '35000',
    performingDepartment: 'K46',
    loincCode: '58410-2',
  },
  {
    code: 'CDHA-CT',
    name: 'Chụp CT sọ não không tiêm thuốc cản quang',
    category: 'imaging',
    hospitalPrice: '500000',
    insurancePrice: '480000',
    performingDepartment: 'K47',
    modality: 'CT',
  },
  {
    code: 'GIUONG-NOI',
    name: 'Ngày giường Nội khoa loại 1',
    category: 'bed',
    hospitalPrice: '200000',
    insurancePrice: '180000',
    performingDepartment: 'K01',
  },
];
const HIS_DRUGS = [
  {
    code: 'PARA500',
    name: 'Paracetamol 500mg',
    activeIngredientCode: '40.17',
    activeIngredient: 'Paracetamol',
    strength: '500mg',
    route: 'Uống',
    dosageForm: 'Viên nén',
    unit: 'Viên',
    hospitalPrice: '1200',
    insurancePrice: '1200',
  },
];

/** Runs an independent tool and returns its exit status and output. */
function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * ARCHITECTURE flow 4 across HIS and claims, checked with independent tools: a full outpatient visit and an
 * inpatient stay with a transfer, bed-days and a card changed during the stay, each ending in a signed XML 130
 * claim that `xmlsec1 --verify` accepts, whose tables `xmllint` validates against XSDs written from the layout
 * definitions, whose totals reconcile with the HIS ledger, and that the BHXH gateway simulator accepts. A
 * tampered copy fails both verifiers. The test stands in for LIS and RIS (their results on Kafka).
 */
describe('end to end: HIS visits to signed BHYT claims at the insurance gateway', () => {
  let his: BootedService;
  let claims: BootedService;
  let gateway: BhxhGatewaySimulator;
  let hisApi: JsonApi;
  let claimsApi: JsonApi;
  const dir = mkdtempSync(join(tmpdir(), 'claims-e2e-'));
  let certPath: string;

  beforeAll(async () => {
    const p12 = createDevelopmentPkcs12({ commonName: 'Bệnh viện Đa khoa 79001', password: 'secret' });
    writeFileSync(join(dir, 'facility.p12'), p12);
    const loaded = loadPkcs12(p12, 'secret');
    if (!loaded.ok) throw new Error(loaded.reason);
    certPath = join(dir, 'facility.pem');
    writeFileSync(certPath, loaded.certificatePem);
    gateway = await new BhxhGatewaySimulator({
      username: '79001_BV',
      password: 'pw',
      facilityCode: '79001',
      trustedCertificatesPem: [loaded.certificatePem],
    }).start();
    Object.assign(process.env, {
      CLAIMS_SIGNING_P12: join(dir, 'facility.p12'),
      CLAIMS_SIGNING_P12_PASSWORD: 'secret',
      BHXH_GATEWAY_URL: gateway.url,
      BHXH_USERNAME: '79001_BV',
      BHXH_PASSWORD: 'pw',
      FACILITY_SIGNER_HEALTH_ID: '7900100001',
    });
    his = await bootService(HisModule, hisDefinition);
    claims = await bootService(ClaimsModule, claimsDefinition, { sameTopicsAs: his });
    hisApi = jsonApi(his, { 'x-actor-id': 'CCHN-0001' });
    claimsApi = jsonApi(claims, { 'x-actor-id': 'ketoan-lan' });
    expect((await hisApi('PUT', '/catalog/services', { items: HIS_SERVICES })).status).toBe(200);
    expect((await hisApi('PUT', '/catalog/drugs', { items: HIS_DRUGS })).status).toBe(200);
    expect((await claimsApi('PUT', '/catalog/items', { items: CLAIMS_CATALOG })).status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    for (const s of [claims, his]) await s?.close();
    await gateway?.stop();
  }, 60_000);

  /** LIS's final haemoglobin for a CBC order, validated by CCHN-0046 (the test stands in for LIS). */
  async function publishHemoglobin(orderId: string, patientId: string, value: string) {
    await publishAs(his, 'laboratory', Topics.LabResult, ResultFinalizedSchema, {
      resultId: randomUUID(),
      orderId,
      patientId,
      test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' },
      value,
      unit: 'g/L',
      observedAt: timestampFromDate(new Date()),
      releasedAt: timestampFromDate(new Date(Date.now() + 60_000)),
      service: {
        system: 'urn:hosp:service-catalog',
        code: 'XN-CBC',
        display: 'Tổng phân tích tế bào máu ngoại vi',
      },
      validatedBy: 'CCHN-0046',
    });
  }

  async function ok(p: Promise<{ status: number; body: any }>) {
    const r = await p;
    if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async function submittedClaim(encounterId: string) {
    return eventually(
      async () => {
        const r = await claimsApi('GET', `/encounters/${encounterId}/claim`);
        if (r.status === 200 && r.body.status === 'invalid')
          throw new Error(`claim invalid: ${JSON.stringify(r.body.errors, null, 1)}`);
        return r.status === 200 && r.body.status === 'submitted' ? r.body : undefined;
      },
      `the claim of ${encounterId} submitted`,
      90_000,
    );
  }

  /** The independent checks every claim must pass; returns the decoded tables. */
  async function verifyIndependently(claimId: string, name: string) {
    const xml = await (
      await fetch(`${claims.baseUrl}/claims/${claimId}/xml`, { headers: await authHeader() })
    ).text();
    const file = join(dir, `${name}.xml`);
    writeFileSync(file, xml);
    const verified = run('xmlsec1', ['--verify', '--pubkey-cert-pem', certPath, file]);
    expect(verified).toMatchObject({ status: 0, output: expect.stringContaining('OK') });

    writeFileSync(join(dir, 'envelope.xsd'), envelopeXsd());
    expect(run('xmllint', ['--noout', '--schema', join(dir, 'envelope.xsd'), file])).toMatchObject({
      status: 0,
    });
    const envelope = readEnvelope(xml);
    if (!envelope.ok) throw new Error(envelope.reason);
    const layout = layoutFor(day(0));
    if (!layout.ok) throw new Error(layout.reason);
    for (const f of envelope.files) {
      const xsd = join(dir, `${f.table}.xsd`);
      writeFileSync(xsd, tableXsd(tableDef(layout.layout, f.table)));
      writeFileSync(join(dir, `${name}-${f.table}.xml`), f.xml);
      const v = run('xmllint', ['--noout', '--schema', xsd, join(dir, `${name}-${f.table}.xml`)]);
      expect({ table: f.table, ...v }).toMatchObject({ table: f.table, status: 0 });
    }

    // One changed character inside the signed content: both verifiers refuse it.
    const tampered = xml.replace('<MACSKCB>79001</MACSKCB>', '<MACSKCB>79002</MACSKCB>');
    expect(tampered).not.toBe(xml);
    writeFileSync(join(dir, `${name}-tampered.xml`), tampered);
    expect(
      run('xmlsec1', ['--verify', '--pubkey-cert-pem', certPath, join(dir, `${name}-tampered.xml`)]).status,
    ).not.toBe(0);
    return envelope.files.map((f) => f.table);
  }

  it('an outpatient visit with an exam, lab, imaging and drugs', async () => {
    const cardNumber = card(4);
    const visit = await ok(
      hisApi('POST', '/reception/check-ins', {
        cardNumber,
        card: { validFrom: day(-60), validTo: day(300), registrationFacility: '79001' },
        patient: {
          citizenId: `079185${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
          fullName: 'Nguyễn Thị Hoà',
          birthDate: '1985-03-12',
          sex: 'female',
          address: { line: '12 Lê Lợi', provinceCode: '79', districtCode: '760', communeCode: '26734' },
          ethnicityCode: '01',
          nationalityCode: '704',
        },
        roomCode: 'P101',
        departmentCode: 'K01',
        examServiceCode: 'KB01',
      }),
    );
    const { patient, encounter } = visit;
    const [lab, ct] = await ok(
      hisApi('POST', `/encounters/${encounter.id}/orders`, {
        orders: [{ serviceCode: 'XN-CBC' }, { serviceCode: 'CDHA-CT' }],
      }),
    );
    await ok(
      hisApi('POST', `/encounters/${encounter.id}/prescriptions`, {
        items: [
          {
            drugCode: 'PARA500',
            quantity: '10',
            dosage: '1 viên/lần _ 2 lần/ngày _ 5 ngày [2 viên/ngày]',
            days: 5,
          },
        ],
      }),
    );
    await publishHemoglobin(lab.id, patient.id, '128');
    await publishAs(his, 'radiology-orders', Topics.RisProcedure, ReportFinalizedSchema, {
      reportId: randomUUID(),
      procedureId: randomUUID(),
      orderId: ct.id,
      patientId: patient.id,
      findings: 'Không thấy tổn thương nhu mô não.',
      impression: 'CT sọ não bình thường',
      radiologistId: 'CCHN-0047',
      signedAt: timestampFromDate(new Date(Date.now() + 120_000)),
    });
    await ok(
      hisApi('POST', `/encounters/${encounter.id}/discharge`, {
        outcome: '1',
        dischargeType: '1',
        mainDiagnosis: 'J06.9',
        secondaryDiagnoses: ['I10'],
        // A re-exam appointment: XML1 NGAY_TAI_KHAM and the XML14 paper (the spec §1.7 row 62, §1.11).
        followUpDate: day(7),
      }),
    );
    const closed = await ok(hisApi('POST', `/encounters/${encounter.id}/close`, {}));

    const claim = await submittedClaim(encounter.id);
    const tables = await ok(claimsApi('GET', `/claims/${claim.id}/tables`));
    const x1 = tables.XML1[0];
    // Reconciles with the HIS ledger to the đồng (no small-cost or exam-ratio adjustment applies here).
    expect(Number(x1.T_TONGCHI_BV)).toBe(Number(closed.totals.amountHospital));
    expect(Number(x1.T_TONGCHI_BH)).toBe(Number(closed.totals.amountInsurance));
    expect(Number(x1.T_BHTT)).toBe(Number(closed.totals.insurerPays));
    expect(Number(x1.T_BNCCT)).toBe(Number(closed.totals.patientCopay));
    expect(Number(x1.T_BNTT)).toBe(Number(closed.totals.patientPays));
    expect(x1).toMatchObject({
      MA_THE_BHYT: cardNumber,
      MA_BN: patient.patientCode,
      HO_TEN: 'Nguyễn Thị Hoà',
      MA_LOAI_KCB: '01',
      SO_NGAY_DTRI: '0',
      NGAY_TAI_KHAM: day(7).replaceAll('-', ''),
    });
    expect(tables.XML3.map((r: Record<string, string>) => r['MA_NHOM'])).toEqual(['13', '1', '2']);
    expect(tables.XML2).toHaveLength(1);
    expect(tables.XML14).toEqual([
      expect.objectContaining({ NGAY_HEN_KL: day(7).replaceAll('-', ''), MA_BAC_SI: 'CCHN-0001' }),
    ]);
    expect(await verifyIndependently(claim.id, 'outpatient')).toEqual([
      'XML1',
      'XML2',
      'XML3',
      'XML4',
      'XML14',
    ]);
    const received = gateway.received.filter((d) => d.episodeKey === encounter.id);
    expect(received.map((d) => [d.kind, d.resultCode])).toEqual([
      ['check-in', '200'],
      ['claim', '200'],
    ]);
  }, 180_000);

  it('an inpatient stay with a transfer, bed-days and a card that changes during the stay', async () => {
    const oldCard = card(4);
    const newCard = `HN279${oldCard.slice(5)}`;
    const patient = await ok(
      hisApi('POST', '/patients', {
        citizenId: `079062${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
        fullName: 'Trần Văn Nam',
        birthDate: '1962-07-04',
        sex: 'male',
        address: { line: '5 Hai Bà Trưng', provinceCode: '79', districtCode: '760', communeCode: '26740' },
        ethnicityCode: '01',
        nationalityCode: '704',
        insuranceCard: {
          cardNumber: oldCard,
          validFrom: day(-60),
          validTo: day(300),
          registrationFacility: '79001',
        },
      }),
    );
    const stay = await ok(
      hisApi('POST', '/encounters', {
        patientId: patient.id,
        encounterClass: 'inpatient',
        departmentCode: 'K01',
        bedCode: 'H001',
      }),
    );
    const bed = () =>
      ok(
        hisApi('POST', `/encounters/${stay.id}/charges`, {
          kind: 'service',
          code: 'GIUONG-NOI',
          quantity: '1',
        }),
      );
    await bed();
    const [lab] = await ok(
      hisApi('POST', `/encounters/${stay.id}/orders`, { orders: [{ serviceCode: 'XN-CBC' }] }),
    );
    await publishHemoglobin(lab.id, patient.id, '101');
    await ok(hisApi('POST', `/encounters/${stay.id}/transfer`, { toDepartmentCode: 'K02', bedCode: 'H002' }));
    await ok(
      hisApi('POST', `/encounters/${stay.id}/coverage`, {
        cardNumber: newCard,
        validFrom: day(-1),
        validTo: day(365),
        registrationFacility: '79001',
        reason: 'thẻ hộ nghèo mới cấp',
      }),
    );
    await bed();
    await bed();
    await ok(
      hisApi('POST', `/encounters/${stay.id}/discharge`, {
        outcome: '2',
        dischargeType: '1',
        mainDiagnosis: 'J18.9',
        secondaryDiagnoses: ['I10', 'E11.9'],
      }),
    );
    const closed = await ok(hisApi('POST', `/encounters/${stay.id}/close`, {}));

    const claim = await submittedClaim(stay.id);
    const tables = await ok(claimsApi('GET', `/claims/${claim.id}/tables`));
    const x1 = tables.XML1[0];
    expect(x1).toMatchObject({
      MA_THE_BHYT: `${oldCard};${newCard}`,
      MA_DKBD: '79001;79001',
      GT_THE_TU: `${day(-60).replaceAll('-', '')};${day(-1).replaceAll('-', '')}`,
      MA_KHOA: 'K01;K02',
      MA_LOAI_KCB: '03',
      MA_BENH_KT: 'I10;E11.9',
      SO_NGAY_DTRI: '1',
    });
    const beds = tables.XML3.filter((r: Record<string, string>) => r['MA_NHOM'] === '15');
    expect(beds.map((r: Record<string, string>) => [r['MUC_HUONG'], r['MA_GIUONG'], r['MA_KHOA']])).toEqual([
      ['80', 'H001', 'K01'],
      ['100', 'H002', 'K02'],
      ['100', 'H002', 'K02'],
    ]);
    expect(Number(x1.T_TONGCHI_BV)).toBe(Number(closed.totals.amountHospital));
    expect(Number(x1.T_BHTT)).toBe(Number(closed.totals.insurerPays));
    expect(await verifyIndependently(claim.id, 'inpatient')).toEqual([
      'XML1',
      'XML3',
      'XML4',
      'XML7',
      'XML8',
    ]);
  }, 180_000);
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CareRoute,
  ChargeItemType,
  ChargePostedSchema,
  EncounterClass,
  EncounterClosedSchema,
  EncounterDischargedSchema,
  EncounterStartedSchema,
  OrderCategory,
  OrderPlacedSchema,
  PatientRegisteredSchema,
  PrescriptionIssuedSchema,
  type ReferralSchema,
  ReportFinalizedSchema,
  ResultFinalizedSchema,
  Sex,
  Topics,
} from '@hosp/contracts';
import { bootService, type BootedService, publishAs } from '@hosp/service-testing';
import { createDevelopmentPkcs12, loadPkcs12 } from '@hosp/standards-bhyt-xml';
import { BhxhGatewaySimulator } from '@hosp/testing/simulators';
import { AppModule } from '../../../src/app.module';
import { serviceDefinition } from '../../../src/service.definition';

export const FACILITY = '79001';
export const GATEWAY_ACCOUNT = { username: '79001_BV', password: 'mật-khẩu-thử' };

export interface ClaimsHarness {
  claims: BootedService;
  gateway: BhxhGatewaySimulator;
  certificatePem: string;
  close(): Promise<void>;
}

/**
 * Boots claims the way a hospital configures it: the facility's PKCS#12 from a file (made for the test, never
 * committed), the gateway account, and the gateway's URL, here the BHXH gateway simulator, which trusts the
 * facility's registered certificate.
 */
export async function bootClaims(env: Record<string, string> = {}): Promise<ClaimsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'claims-signing-'));
  const p12 = createDevelopmentPkcs12({ commonName: 'Bệnh viện thử nghiệm 79001', password: 'p12-pass' });
  writeFileSync(join(dir, 'facility.p12'), p12);
  const loaded = loadPkcs12(p12, 'p12-pass');
  if (!loaded.ok) throw new Error(loaded.reason);
  const gateway = await new BhxhGatewaySimulator({
    ...GATEWAY_ACCOUNT,
    facilityCode: FACILITY,
    trustedCertificatesPem: [loaded.certificatePem],
  }).start();
  Object.assign(process.env, {
    CLAIMS_SIGNING_P12: join(dir, 'facility.p12'),
    CLAIMS_SIGNING_P12_PASSWORD: 'p12-pass',
    BHXH_GATEWAY_URL: gateway.url,
    BHXH_USERNAME: GATEWAY_ACCOUNT.username,
    BHXH_PASSWORD: GATEWAY_ACCOUNT.password,
    FACILITY_SIGNER_HEALTH_ID: '7900100001',
    CLAIMS_SUBMIT_RETRY_BASE_MS: '200',
    ...env,
  });
  const claims = await bootService(AppModule, serviceDefinition);
  return {
    claims,
    gateway,
    certificatePem: loaded.certificatePem,
    close: async () => {
      await claims.close();
      await gateway.stop();
    },
  };
}

/** The claims catalogue entries the fixture's items need (tender data and codes BHXH approved). */
export const CLAIMS_CATALOG = [
  { code: 'KB01', kind: 'service', group: 13, scope: 1, bhytCode: '02.1896' },
  { code: 'XN-CBC', kind: 'service', group: 1, scope: 1, bhytCode: '22.0120.1370' },
  { code: 'CDHA-CT', kind: 'service', group: 2, scope: 1, bhytCode: '18.0105.0010' },
  { code: 'GIUONG-NOI', kind: 'service', group: 15, scope: 1, bhytCode: 'K02.1914' },
  {
    code: 'PARA500',
    kind: 'drug',
    group: 4,
    scope: 1,
    ingredientCode: '40.17',
    tender: '123/QĐ-SYT;G1;N4;2026',
    registrationNumber: 'VD-12345-21',
    routeCode: '1.01',
    dosageForm: 'Viên nén',
    unit: 'Viên',
  },
];

export interface Line {
  type: 'exam' | 'lab' | 'imaging' | 'drug' | 'bed-day' | 'procedure';
  code: string;
  name: string;
  quantity: string;
  price: string;
  insurancePrice: string;
  sourceId?: string;
  at?: Date;
  cardNumber?: string;
}

export interface EpisodeSpec {
  encounterClass?: 'outpatient' | 'inpatient';
  visitType?: string;
  card?: {
    number: string;
    validFrom: string;
    validTo: string;
    registrationFacility: string;
    route?: CareRoute;
  };
  lines: Line[];
  mainDiagnosis?: string;
  startedAt?: Date;
  /** Publish the close before the last charge, as happens when topics are consumed at different speeds. */
  closeBeforeLastCharge?: boolean;
  results?: boolean;
  /** What HIS records at discharge: MA_LOAI_RV (default 1), the referral letter, the re-exam day and so on. */
  discharge?: {
    dischargeType?: string;
    referral?: MessageInitShape<typeof ReferralSchema>;
    followUpDate?: string;
    treatmentSummary?: string;
    dischargedBy?: string;
  };
}

const ITEM = {
  exam: ChargeItemType.EXAM,
  lab: ChargeItemType.LAB,
  imaging: ChargeItemType.IMAGING,
  drug: ChargeItemType.DRUG,
  'bed-day': ChargeItemType.BED_DAY,
  procedure: ChargeItemType.PROCEDURE,
} as const;

export function newCard(benefit = 4): string {
  return `DN${benefit}79${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
}

/**
 * Publishes one episode's events as HIS, LIS and RIS would: the patient, the encounter with its coverage, the
 * ledger lines (priced like HIS, 80%), orders and their results, discharge and close with the ledger totals.
 */
export async function publishEpisode(booted: BootedService, spec: EpisodeSpec) {
  const patientId = randomUUID();
  const encounterId = randomUUID();
  const start = spec.startedAt ?? new Date(Date.now() - 3 * 3_600_000);
  const card = spec.card ?? {
    number: newCard(4),
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    registrationFacility: FACILITY,
  };
  await publishAs(booted, 'his', Topics.HisPatient, PatientRegisteredSchema, {
    patientId,
    patientCode: `BN${Date.now().toString().slice(-8)}`,
    citizenId: `079185${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    fullName: 'Nguyễn Thị Hoà',
    birthDate: '1985-03-12',
    sex: Sex.FEMALE,
    address: {
      line: '12 Lê Lợi, Phường Bến Nghé',
      provinceCode: '79',
      districtCode: '760',
      communeCode: '26734',
    },
    ethnicityCode: '01',
    nationalityCode: '704',
    occupationCode: '00000',
    registeredAt: timestampFromDate(start),
  });
  await publishAs(booted, 'his', Topics.HisEncounter, EncounterStartedSchema, {
    encounterId,
    patientId,
    encounterClass:
      spec.encounterClass === 'inpatient' ? EncounterClass.INPATIENT : EncounterClass.OUTPATIENT,
    visitType: spec.visitType ?? '01',
    departmentCode: 'K01',
    startedAt: timestampFromDate(start),
    coverage: {
      insuranceCardNumber: card.number,
      benefitLevel: Number(card.number[2]),
      coveragePercent: '80',
      route: card.route ?? CareRoute.CORRECT,
      cardValidFrom: card.validFrom,
      cardValidTo: card.validTo,
      registrationFacility: card.registrationFacility,
    },
  });
  const orders = new Map<string, string>();
  let total = 0;
  const charges = spec.lines.map((l, i) => {
    const at = l.at ?? new Date(start.getTime() + (i + 1) * 60_000);
    const amount = (Number(l.quantity) * Number(l.price)).toFixed(2);
    total += Number(amount);
    const sourceId = l.sourceId ?? (['lab', 'imaging', 'drug'].includes(l.type) ? randomUUID() : '');
    if (l.type === 'lab' || l.type === 'imaging') orders.set(sourceId, l.type);
    return { l, at, amount, sourceId };
  });
  for (const [orderId, type] of orders) {
    const c = charges.find((x) => x.sourceId === orderId)!;
    await publishAs(booted, 'his', Topics.HisOrder, OrderPlacedSchema, {
      orderId,
      encounterId,
      patientId,
      category: type === 'lab' ? OrderCategory.LABORATORY : OrderCategory.IMAGING,
      service: { system: 'urn:hosp:service-catalog', code: c.l.code, display: c.l.name },
      orderingProviderId: 'CCHN-0001',
      orderedAt: timestampFromDate(c.at),
      performingDepartmentCode: type === 'lab' ? 'K46' : 'K47',
    });
  }
  for (const c of charges.filter((x) => x.l.type === 'drug'))
    await publishAs(booted, 'his', Topics.HisPrescription, PrescriptionIssuedSchema, {
      prescriptionId: c.sourceId,
      prescriptionCode: '79001ab3k9x2-c',
      encounterId,
      patientId,
      prescriberId: 'CCHN-0001',
      diagnosis: 'J06.9',
      items: [
        {
          drugCode: c.l.code,
          drugName: c.l.name,
          activeIngredient: 'Paracetamol',
          strength: '500mg',
          route: 'Uống',
          unit: 'Viên',
          quantity: c.l.quantity,
          dosage: '1 viên/lần _ 2 lần/ngày _ 5 ngày [2 viên/ngày]',
          instructions: 'Uống sau ăn',
          days: 5,
        },
      ],
      issuedAt: timestampFromDate(c.at),
    });
  const publishCharge = async ({ l, at, amount, sourceId }: (typeof charges)[number]) => {
    await publishAs(booted, 'his', Topics.HisCharge, ChargePostedSchema, {
      chargeId: randomUUID(),
      encounterId,
      patientId,
      itemType: ITEM[l.type],
      itemCode: l.code,
      itemName: l.name,
      quantity: l.quantity,
      unitPriceHospital: l.price,
      unitPriceInsurance: l.insurancePrice,
      coveragePercent: '80',
      amountHospital: amount,
      sourceId,
      departmentCode: 'K01',
      insuranceCardNumber: l.cardNumber ?? card.number,
      orderedBy: 'CCHN-0001',
      orderedAt: timestampFromDate(at),
      postedAt: timestampFromDate(at),
    });
  };
  const last = spec.closeBeforeLastCharge ? charges.pop() : undefined;
  for (const c of charges) await publishCharge(c);
  if (spec.results !== false)
    for (const [orderId, type] of orders) {
      const c = [...charges, ...(last ? [last] : [])].find((x) => x.sourceId === orderId)!;
      const done = new Date(c.at.getTime() + 30 * 60_000);
      if (type === 'lab')
        await publishAs(booted, 'laboratory', Topics.LabResult, ResultFinalizedSchema, {
          resultId: randomUUID(),
          orderId,
          patientId,
          test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' },
          value: '128',
          unit: 'g/L',
          observedAt: timestampFromDate(new Date(done.getTime() - 10 * 60_000)),
          releasedAt: timestampFromDate(done),
          service: { system: 'urn:hosp:service-catalog', code: c.l.code, display: c.l.name },
          validatedBy: 'CCHN-0046',
        });
      else
        await publishAs(booted, 'radiology-orders', Topics.RisProcedure, ReportFinalizedSchema, {
          reportId: randomUUID(),
          procedureId: randomUUID(),
          orderId,
          patientId,
          findings: 'Không thấy tổn thương nhu mô não.',
          impression: 'CT sọ não bình thường',
          radiologistId: 'CCHN-0047',
          signedAt: timestampFromDate(done),
        });
    }
  const end = new Date(start.getTime() + 2 * 3_600_000);
  await publishAs(booted, 'his', Topics.HisEncounter, EncounterDischargedSchema, {
    encounterId,
    patientId,
    outcome: '2',
    mainDiagnosis: spec.mainDiagnosis ?? 'J06.9',
    secondaryDiagnoses: spec.mainDiagnosis === '' ? [] : ['I10'],
    departmentCode: 'K01',
    dischargedAt: timestampFromDate(end),
    dischargedBy: 'CCHN-0001',
    ...spec.discharge,
    dischargeType: spec.discharge?.dischargeType ?? '1',
  });
  await publishAs(booted, 'his', Topics.HisEncounter, EncounterClosedSchema, {
    encounterId,
    patientId,
    totalHospitalAmount: total.toFixed(2),
    closedAt: timestampFromDate(new Date(end.getTime() + 60_000)),
  });
  if (last) await publishCharge(last);
  return { patientId, encounterId, card, total: total.toFixed(2) };
}

export const OUTPATIENT_LINES: Line[] = [
  { type: 'exam', code: 'KB01', name: 'Khám Nội', quantity: '1', price: '34500', insurancePrice: '34500' },
  {
    type: 'lab',
    code: 'XN-CBC',
    name: 'Tổng phân tích tế bào máu',
    quantity: '1',
    price: '40000',
    insurancePrice: '35000',
  },
  {
    type: 'imaging',
    code: 'CDHA-CT',
    name: 'Chụp CT sọ não',
    quantity: '1',
    price: '500000',
    insurancePrice: '480000',
  },
  {
    type: 'drug',
    code: 'PARA500',
    name: 'Paracetamol 500mg',
    quantity: '10',
    price: '1200',
    insurancePrice: '1200',
  },
];

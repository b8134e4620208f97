import {
  AbnormalFlag,
  CriticalResultRaisedSchema,
  OrderCategory,
  OrderPriority,
  ResultFinalizedSchema,
  Sex,
  SpecimenStatus,
  SpecimenStatusChangedSchema,
  Topics,
  WorkOrderReleasedSchema,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  type Api,
  bootLab,
  eventually,
  placeOrder,
  readPayloads,
  registerPatient,
  reportResults,
  TESTS,
} from './support/lab-fixture';

/**
 * The lab flow end to end against the real stack, with the test standing in for HIS (orders,
 * patients) and the integration gateway (analyzer results): accessioning by tube, collection and receipt,
 * the work order with the patient's demographics, results flagged from LIS's ranges by sex and age,
 * auto-verification, two-person validation, critical values, duplicates, and a correction.
 */
describe('LIS: order to released result', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootLab();
    call = api(booted);
    const put = await call('PUT', '/tests', { items: TESTS });
    expect(put.status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  it('refuses inconsistent test definitions, naming the fields', async () => {
    const r = await call('PUT', '/tests', {
      items: [{ ...TESTS[0], unit: undefined, referenceRanges: [{ low: '7', high: '6' }] }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'items[0].unit',
      'items[0].referenceRanges[0].high',
    ]);
    const glu = (await call('GET', '/tests/XN-GLU')).body;
    expect(glu).toMatchObject({
      unit: 'mmol/L',
      criticalLow: '2.5',
      autoVerification: { code: 'AV-GLU-1', delta: { mode: 'absolute', limit: '2.0' } },
      referenceRanges: [{ sex: 'any', ageFromDays: 0, ageToDays: null, low: '3.9', high: '6.4' }],
    });
  });

  it('accessions, labels by tube, releases the work order on receipt, flags, validates and corrects', async () => {
    const patientId = await registerPatient(booted, {
      fullName: 'Nguyễn Thị Hoa',
      birthDate: '1985-03-12',
      sex: Sex.FEMALE,
      patientCode: 'BN00001234',
    });
    const encounterId = randomUUID();
    const glu = await placeOrder(booted, { patientId, encounterId, serviceCode: 'XN-GLU' });
    const crea = await placeOrder(booted, { patientId, encounterId, serviceCode: 'XN-CREA' });
    const hgb = await placeOrder(booted, {
      patientId,
      encounterId,
      serviceCode: 'XN-HGB',
      priority: OrderPriority.STAT,
    });
    // Not the lab's: ignored.
    await placeOrder(booted, {
      patientId,
      encounterId,
      serviceCode: 'CDHA-CT',
      category: OrderCategory.IMAGING,
    });

    // One accession for the encounter's day; one tube per container: SST (GLU, CREA) and EDTA (HGB).
    const specimens = await eventually(async () => {
      const s = (await call('GET', `/specimens?patientId=${patientId}`)).body;
      return s.length === 2 && s.flatMap((x: { tests: unknown[] }) => x.tests).length === 3 ? s : undefined;
    }, 'two specimens with three tests');
    const accession = specimens[0].accessionNumber;
    expect(accession).toMatch(/^\d{10}$/);
    const acc = (await call('GET', `/accessions/${accession}`)).body;
    expect(acc).toMatchObject({ patientId, encounterId });
    const sst = acc.specimens.find((s: { containerType: string }) => s.containerType === 'SST');
    const edta = acc.specimens.find((s: { containerType: string }) => s.containerType === 'EDTA');
    expect(sst).toMatchObject({ barcode: `${accession}01`, specimenType: 'SER', status: 'labelled' });
    expect(sst.tests.map((t: { orderId: string }) => t.orderId)).toEqual([glu, crea]);
    expect(edta).toMatchObject({ barcode: `${accession}02`, specimenType: 'BLD', priority: 'stat' });
    // STAT first on the collection list.
    expect(specimens[0].barcode).toBe(edta.barcode);
    expect((await call('GET', '/held-orders')).body).toEqual([]);

    // Collect, then receive: the receipt releases the work order with the demographics for the analyzer.
    const collected = await call('POST', `/specimens/${sst.barcode}/collect`, {}, { 'x-actor-id': 'dd-mai' });
    expect(collected.body).toMatchObject({ status: 'collected', collectedBy: 'dd-mai' });
    expect((await call('POST', `/specimens/${sst.barcode}/collect`, {})).body.code).toBe(
      'INVALID_TRANSITION',
    );
    const received = await call('POST', `/specimens/${sst.barcode}/receive`, {});
    expect(received.body).toMatchObject({ status: 'received', receivedBy: 'ktv-lan' });
    expect(received.body.workOrderId).toMatch(/^[0-9a-f-]{36}$/);
    // A tube received straight from the lab's own bench is collected at the same time.
    expect((await call('POST', `/specimens/${edta.barcode}/receive`, {})).body).toMatchObject({
      status: 'received',
    });

    const [wo] = await readPayloads(booted, Topics.LabWorkOrder, WorkOrderReleasedSchema, (ws) =>
      ws.some((w) => w.specimenId === sst.barcode),
    ).then((ws) => ws.filter((w) => w.specimenId === sst.barcode));
    expect(wo).toMatchObject({
      workOrderId: received.body.workOrderId,
      accessionNumber: accession,
      specimenType: 'SER',
      containerType: 'SST',
      patientId,
      patientCode: 'BN00001234',
      patientName: 'Nguyễn Thị Hoa',
      birthDate: '1985-03-12',
      sex: Sex.FEMALE,
      priority: 'R',
    });
    expect(wo.tests.map((t) => [t.orderId, t.service?.code, t.loinc])).toEqual([
      [glu, 'XN-GLU', '2345-7'],
      [crea, 'XN-CREA', '2160-0'],
    ]);
    expect(wo.collectedAt).toBeDefined();
    const statuses = await readPayloads(booted, Topics.LabSpecimen, SpecimenStatusChangedSchema, (ss) =>
      ss.some((s) => s.specimenId === edta.barcode && s.status === SpecimenStatus.RECEIVED),
    );
    expect(
      statuses.filter((s) => s.specimenId === sst.barcode).map((s) => [s.status, s.orderIds.length]),
    ).toEqual([
      [SpecimenStatus.LABELLED, 1],
      [SpecimenStatus.LABELLED, 2],
      [SpecimenStatus.COLLECTED, 2],
      [SpecimenStatus.RECEIVED, 2],
    ]);

    // The analyzer's results (the gateway stands in): glucose normal -> auto-verified; creatinine 110 is
    // high for a woman (53-100) -> waits for validation; the device's own flag is kept.
    const report = await reportResults(booted, sst.barcode, [
      { serviceCode: 'XN-GLU', loinc: '2345-7', value: '5.24', unit: 'mmol/L' },
      { serviceCode: 'XN-CREA', loinc: '2160-0', value: '110.4', unit: 'umol/L', deviceFlags: 'N' },
    ]);
    const results = await eventually(async () => {
      const r = (await call('GET', `/results?barcode=${sst.barcode}`)).body;
      return r.length === 2 ? r : undefined;
    }, 'two results');
    const gluResult = results.find((r: { serviceCode: string }) => r.serviceCode === 'XN-GLU');
    const creaResult = results.find((r: { serviceCode: string }) => r.serviceCode === 'XN-CREA');
    expect(gluResult).toMatchObject({
      orderId: glu,
      value: '5.2',
      deviceValue: '5.24',
      abnormalFlag: 'N',
      referenceRange: '3.9-6.4',
      status: 'final',
      autoVerifiedRule: 'AV-GLU-1',
      technicalValidator: null,
    });
    expect(gluResult.autoVerification.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect(creaResult).toMatchObject({
      value: '110',
      abnormalFlag: 'H',
      deviceFlags: 'N',
      referenceRange: '53-100',
      status: 'pending-technical',
      autoVerifiedRule: null,
    });

    // Duplicate delivery: the same event again, and the same report under a new event id: applied once.
    await reportResults(
      booted,
      sst.barcode,
      [{ serviceCode: 'XN-GLU', loinc: '2345-7', value: '5.24', unit: 'mmol/L' }],
      report,
    );
    await reportResults(
      booted,
      sst.barcode,
      [{ serviceCode: 'XN-GLU', loinc: '2345-7', value: '5.24', unit: 'mmol/L' }],
      { reportId: report.reportId },
    );

    // Technical then medical validation, by two different users.
    expect((await call('POST', `/results/${creaResult.id}/medical-validation`)).status).toBe(409);
    const tech = await call('POST', `/results/${creaResult.id}/technical-validation`, undefined, {
      'x-actor-id': 'ktv-an',
    });
    expect(tech.body).toMatchObject({ status: 'pending-medical', technicalValidator: 'ktv-an' });
    const same = await call('POST', `/results/${creaResult.id}/medical-validation`, undefined, {
      'x-actor-id': 'ktv-an',
    });
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('SAME_VALIDATOR');
    const noToken = await fetch(`${booted.baseUrl}/results/${creaResult.id}/medical-validation`, {
      method: 'POST',
    });
    expect(noToken.status).toBe(401);
    const med = await call('POST', `/results/${creaResult.id}/medical-validation`, undefined, {
      'x-actor-id': 'bs-binh',
    });
    expect(med.body).toMatchObject({ status: 'final', medicalValidator: 'bs-binh' });
    expect(med.body.releasedAt).toBeTruthy();

    // Critical haemoglobin: raised at once, before any validation.
    await reportResults(booted, edta.barcode, [
      { serviceCode: 'XN-HGB', loinc: '718-7', value: '55', unit: 'g/L', deviceFlags: 'LL' },
    ]);
    const [critical] = await readPayloads(booted, Topics.LabResult, CriticalResultRaisedSchema, (cs) =>
      cs.some((c) => c.orderId === hgb),
    );
    expect(critical).toMatchObject({
      orderId: hgb,
      patientId,
      accessionNumber: accession,
      test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' },
      value: '55',
      unit: 'g/L',
      abnormalFlag: AbnormalFlag.CRITICAL_LOW,
      criticalRange: '<60 or >200',
    });
    const hgbResult = (await call('GET', `/results?barcode=${edta.barcode}`)).body[0];
    expect(hgbResult).toMatchObject({ status: 'pending-technical', critical: true, abnormalFlag: 'LL' });
    expect((await call('GET', '/results?status=pending-technical')).body[0].id).toBe(hgbResult.id);

    // A correction: the released version is kept as 'corrected', the next one released with corrected = true.
    const corrected = await call(
      'POST',
      `/results/${gluResult.id}/correct`,
      { value: '7.05', reason: 'dilution factor not applied' },
      { 'x-actor-id': 'bs-binh' },
    );
    expect(corrected.body).toMatchObject({
      id: gluResult.id,
      version: 2,
      value: '7.1',
      abnormalFlag: 'H',
      status: 'final',
      correctedBy: 'bs-binh',
      correctionReason: 'dilution factor not applied',
    });
    const history = (await call('GET', `/results/${gluResult.id}`)).body.history;
    expect(history.map((h: { version: number; status: string }) => [h.version, h.status])).toEqual([
      [2, 'final'],
      [1, 'corrected'],
    ]);
    expect((await call('POST', `/results/${gluResult.id}/technical-validation`)).status).toBe(409);

    const finals = await readPayloads(booted, Topics.LabResult, ResultFinalizedSchema, (fs) =>
      fs.some((f) => f.corrected),
    );
    // Give a duplicate time to be (wrongly) applied before counting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await call('GET', `/results?barcode=${sst.barcode}`)).body
        .map((r: { serviceCode: string; version: number }) => `${r.serviceCode} v${r.version}`)
        .sort(),
    ).toEqual(['XN-CREA v1', 'XN-GLU v2']);
    expect(finals.map((f) => [f.orderId, f.value, f.abnormalFlag, f.corrected])).toEqual([
      [glu, '5.2', AbnormalFlag.NORMAL, false],
      [crea, '110', AbnormalFlag.HIGH, false],
      [glu, '7.1', AbnormalFlag.HIGH, true],
    ]);
    expect(finals[1]).toMatchObject({
      resultId: creaResult.id,
      patientId,
      accessionNumber: accession,
      specimenId: sst.barcode,
      service: { code: 'XN-CREA' },
      test: { system: 'http://loinc.org', code: '2160-0', display: 'Creatinine' },
      unit: 'umol/L',
      referenceRange: '53-100',
    });
    expect(finals[1].observedAt).toBeDefined();
    expect(finals[1].releasedAt).toBeDefined();
  });

  it('chooses the range by sex and age, and delta-checks against the previous final result', async () => {
    const man = await registerPatient(booted, {
      fullName: 'Trần Văn Nam',
      birthDate: '19700101',
      sex: Sex.MALE,
    });
    const boy = await registerPatient(booted, {
      fullName: 'Trần Minh Khôi',
      birthDate: new Date(Date.now() - 5 * 365 * 86_400_000).toISOString().slice(0, 10),
      sex: Sex.MALE,
    });
    const seen = new Set<string>();
    /** The patient's newly labelled tube, received in the lab (which releases its work order). */
    const newTube = async (patientId: string) => {
      const barcode: string = await eventually(async () => {
        const s = (await call('GET', `/specimens?patientId=${patientId}&status=labelled`)).body;
        return s.find((x: { barcode: string }) => !seen.has(x.barcode))?.barcode;
      }, 'a new labelled tube');
      seen.add(barcode);
      expect((await call('POST', `/specimens/${barcode}/receive`, {})).status).toBe(200);
      return barcode;
    };

    await placeOrder(booted, { patientId: man, encounterId: randomUUID(), serviceCode: 'XN-CREA' });
    await placeOrder(booted, { patientId: boy, encounterId: randomUUID(), serviceCode: 'XN-CREA' });
    const manTube = await newTube(man);
    const boyTube = await newTube(boy);
    await reportResults(booted, manTube, [{ serviceCode: 'XN-CREA', value: '110', unit: 'umol/L' }]);
    await reportResults(booted, boyTube, [{ serviceCode: 'XN-CREA', value: '110', unit: 'umol/L' }]);
    const resultOf = (barcode: string) =>
      eventually(
        async () => (await call('GET', `/results?barcode=${barcode}`)).body[0],
        `result on ${barcode}`,
      );
    // 110 is normal for a man (62-120) and released by the rule (no previous result: the delta passes)...
    expect(await resultOf(manTube)).toMatchObject({
      abnormalFlag: 'N',
      referenceRange: '62-120',
      status: 'final',
      autoVerifiedRule: 'AV-CREA-1',
    });
    // ...and high for a 5-year-old (27-62).
    expect(await resultOf(boyTube)).toMatchObject({ abnormalFlag: 'H', referenceRange: '27-62' });

    // The man's next creatinine: 118 is normal and 7% off the previous 110, within the rule's 30%.
    await placeOrder(booted, { patientId: man, encounterId: randomUUID(), serviceCode: 'XN-CREA' });
    const second = await newTube(man);
    await reportResults(booted, second, [{ serviceCode: 'XN-CREA', value: '118', unit: 'umol/L' }]);
    const r2 = await resultOf(second);
    expect(r2).toMatchObject({ status: 'final', autoVerifiedRule: 'AV-CREA-1' });
    expect(r2.autoVerification.checks.find((c: { check: string }) => c.check === 'delta').detail).toMatch(
      /previous 110/,
    );

    await placeOrder(booted, { patientId: man, encounterId: randomUUID(), serviceCode: 'XN-CREA' });
    const third = await newTube(man);
    // 150 is high: it waits for a person; the analyzer's rerun before release supersedes it, and 160 (H, and
    // 36% off the previous 118) waits too.
    await reportResults(booted, third, [{ serviceCode: 'XN-CREA', value: '150', unit: 'umol/L' }]);
    await eventually(async () => (await call('GET', `/results?barcode=${third}`)).body[0], 'the first run');
    await reportResults(booted, third, [{ serviceCode: 'XN-CREA', value: '160', unit: 'umol/L' }]);
    const r3 = await eventually(async () => {
      const r = (await call('GET', `/results?barcode=${third}`)).body[0];
      return r?.version === 2 ? r : undefined;
    }, 'the rerun');
    expect(r3).toMatchObject({ value: '160', status: 'pending-technical', abnormalFlag: 'H' });
    const checks = Object.fromEntries(
      r3.autoVerification.checks.map((c: { check: string; passed: boolean }) => [c.check, c.passed]),
    );
    expect(checks).toMatchObject({ flag: false, delta: false, critical: true });
    expect(
      (await call('GET', `/results/${r3.id}`)).body.history.map((h: { status: string }) => h.status),
    ).toEqual(['pending-technical', 'superseded']);
  });
});

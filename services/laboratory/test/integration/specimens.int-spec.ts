import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  deadLetterTopicName,
  OrderCancelledSchema,
  OrderCategory,
  OrderPlacedSchema,
  PatientsMergedSchema,
  PatientUpdatedSchema,
  Sex,
  SpecimenStatus,
  SpecimenStatusChangedSchema,
  Topics,
  WorkOrderCancelledSchema,
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
  publishAs,
  readEvents,
  readPayloads,
  registerPatient,
  reportResults,
  TESTS,
} from './support/lab-fixture';

/**
 * Specimen rejection and recollection, work orders following cancelled tests, patient updates and merges
 * from HIS, and orders that can never apply going to the dead-letter topic.
 */
describe('LIS: specimens, work orders and patients', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootLab();
    call = api(booted);
    expect((await call('PUT', '/tests', { items: TESTS })).status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  async function orderTube(patientId: string, serviceCodes: string[]) {
    const encounterId = randomUUID();
    const orderIds: string[] = [];
    for (const serviceCode of serviceCodes)
      orderIds.push(await placeOrder(booted, { patientId, encounterId, serviceCode }));
    const tube = await eventually(async () => {
      const s = (await call('GET', `/specimens?patientId=${patientId}&status=labelled`)).body;
      return s.find((x: { tests: unknown[] }) => x.tests.length === serviceCodes.length);
    }, 'the labelled tube');
    return { encounterId, orderIds, barcode: tube.barcode as string, accession: tube.accessionNumber };
  }

  it('rejects a received tube with the reason, withdraws its work order and recollects the tests', async () => {
    const patientId = await registerPatient(booted);
    const { orderIds, barcode, accession } = await orderTube(patientId, ['XN-GLU', 'XN-CREA']);
    expect((await call('POST', `/specimens/${barcode}/reject`, {})).status).toBe(400);
    const received = (await call('POST', `/specimens/${barcode}/receive`, {})).body;
    // A result already on the tube (not released) is cancelled with it.
    await reportResults(booted, barcode, [{ serviceCode: 'XN-CREA', value: '150', unit: 'umol/L' }]);
    const pending = await eventually(
      async () => (await call('GET', `/results?barcode=${barcode}`)).body[0],
      'the pending result',
    );

    const rejected = await call(
      'POST',
      `/specimens/${barcode}/reject`,
      { reason: 'haemolysed' },
      { 'x-actor-id': 'ktv-an' },
    );
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      rejectionReason: 'haemolysed',
      rejectedBy: 'ktv-an',
      workOrderId: null,
      recollectedAs: `${accession}02`,
    });
    expect(rejected.body.tests.map((t: { status: string }) => t.status)).toEqual(['rejected', 'rejected']);
    expect((await call('GET', `/results/${pending.id}`)).body.status).toBe('cancelled');
    expect((await call('POST', `/specimens/${barcode}/reject`, { reason: 'again' })).body.code).toBe(
      'INVALID_TRANSITION',
    );

    const statuses = await readPayloads(booted, Topics.LabSpecimen, SpecimenStatusChangedSchema, (ss) =>
      ss.some((s) => s.specimenId === barcode && s.status === SpecimenStatus.REJECTED),
    );
    expect(
      statuses.find((s) => s.specimenId === barcode && s.status === SpecimenStatus.REJECTED),
    ).toMatchObject({
      specimenId: barcode,
      accessionNumber: accession,
      patientId,
      orderIds,
      rejectionReason: 'haemolysed',
    });
    const [cancelled] = await readPayloads(booted, Topics.LabWorkOrder, WorkOrderCancelledSchema, (ws) =>
      ws.some((w) => w.specimenId === barcode),
    ).then((ws) => ws.filter((w) => w.specimenId === barcode));
    expect(cancelled).toMatchObject({
      workOrderId: received.workOrderId,
      patientId,
      reason: 'specimen rejected: haemolysed',
    });

    // The recollection tube carries the same orders; the analyzer's late result for the rejected tube is held.
    const recollection = (await call('GET', `/specimens/${accession}02`)).body;
    expect(recollection).toMatchObject({ status: 'labelled', recollectionOf: barcode });
    expect(recollection.tests.map((t: { orderId: string }) => t.orderId)).toEqual(orderIds);
    await reportResults(booted, barcode, [{ serviceCode: 'XN-GLU', value: '5.0', unit: 'mmol/L' }]);
    await eventually(async () => {
      const h = (await call('GET', `/held-results?specimenId=${barcode}`)).body;
      return h[0]?.reasonCode === 'SPECIMEN_REJECTED' ? h : undefined;
    }, 'the late result held');

    // A tube with a released result is not rejected: its results are corrected instead.
    await call('POST', `/specimens/${accession}02/receive`, {});
    await reportResults(booted, `${accession}02`, [{ serviceCode: 'XN-GLU', value: '5.0', unit: 'mmol/L' }]);
    await eventually(async () => {
      const r = (await call('GET', `/results?barcode=${accession}02`)).body[0];
      return r?.status === 'final' ? r : undefined;
    }, 'the auto-verified result');
    const refused = await call('POST', `/specimens/${accession}02/reject`, { reason: 'clotted' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SPECIMEN_HAS_FINAL_RESULTS');
  });

  it('withdraws and re-releases the work order when HIS cancels one of its tests', async () => {
    const patientId = await registerPatient(booted);
    const { encounterId, orderIds, barcode } = await orderTube(patientId, ['XN-GLU', 'XN-CREA']);
    const first = (await call('POST', `/specimens/${barcode}/receive`, {})).body.workOrderId;
    await publishAs(booted, 'his', Topics.HisOrder, OrderCancelledSchema, {
      orderId: orderIds[1],
      encounterId,
      patientId,
      reason: 'duplicate order',
    });
    const released = await readPayloads(
      booted,
      Topics.LabWorkOrder,
      WorkOrderReleasedSchema,
      (ws) => ws.filter((w) => w.specimenId === barcode).length === 2,
    ).then((ws) => ws.filter((w) => w.specimenId === barcode));
    expect(released[0].workOrderId).toBe(first);
    expect(released[1].tests.map((t) => t.orderId)).toEqual([orderIds[0]]);
    const [withdrawn] = await readPayloads(booted, Topics.LabWorkOrder, WorkOrderCancelledSchema, (ws) =>
      ws.some((w) => w.specimenId === barcode),
    ).then((ws) => ws.filter((w) => w.specimenId === barcode));
    expect(withdrawn).toMatchObject({
      workOrderId: first,
      reason: `order ${orderIds[1]} cancelled: duplicate order`,
    });
    expect((await call('GET', `/specimens/${barcode}`)).body.workOrderId).toBe(released[1].workOrderId);
  });

  it('keeps demographics current from HIS and follows a merge', async () => {
    const survivor = await registerPatient(booted, {
      fullName: 'Lê Văn Tám',
      birthDate: '1960',
      sex: Sex.MALE,
    });
    const retired = await registerPatient(booted, {
      fullName: 'Le Van Tam',
      birthDate: '1960',
      sex: Sex.MALE,
    });
    await publishAs(booted, 'his', Topics.HisPatient, PatientUpdatedSchema, {
      patientId: survivor,
      fullName: 'Lê Văn Tám',
      birthDate: '1960-07-04',
      sex: Sex.MALE,
      version: 2,
    });
    const { barcode, accession } = await orderTube(retired, ['XN-HGB']);
    await publishAs(booted, 'his', Topics.HisPatient, PatientsMergedSchema, {
      patientId: survivor,
      mergedPatientId: retired,
      reason: 'same person',
    });
    await eventually(async () => {
      const a = (await call('GET', `/accessions/${accession}`)).body;
      return a.patientId === survivor ? a : undefined;
    }, 'the accession moved to the survivor');
    expect((await call('GET', `/patients/${retired}`)).body.mergedInto).toBe(survivor);
    expect((await call('GET', `/patients/${survivor}`)).body).toMatchObject({
      birthDate: '1960-07-04',
      version: 2,
    });

    await call('POST', `/specimens/${barcode}/receive`, {});
    const [wo] = await readPayloads(booted, Topics.LabWorkOrder, WorkOrderReleasedSchema, (ws) =>
      ws.some((w) => w.specimenId === barcode),
    ).then((ws) => ws.filter((w) => w.specimenId === barcode));
    expect(wo).toMatchObject({
      patientId: survivor,
      patientName: 'Lê Văn Tám',
      birthDate: '1960-07-04',
      sex: Sex.MALE,
    });
  });

  it('dead-letters a laboratory order it can never apply, and moves on', async () => {
    const orderId = randomUUID();
    await publishAs(booted, 'his', Topics.HisOrder, OrderPlacedSchema, {
      orderId,
      encounterId: '',
      patientId: randomUUID(),
      category: OrderCategory.LABORATORY,
      service: { code: 'XN-GLU' },
      orderedAt: timestampFromDate(new Date()),
    });
    const dlq = await readEvents(
      booted,
      { name: deadLetterTopicName(Topics.HisOrder.name, 'laboratory.his') },
      (es) => es.length >= 1,
    );
    expect(dlq[0].headers['dlq_error']).toBe('OrderPlaced lacks encounter_id');
    const patientId = await registerPatient(booted);
    await orderTube(patientId, ['XN-GLU']);
  });
});

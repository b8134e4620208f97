import { OrderCancelledSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  type Api,
  bootLab,
  eventually,
  placeOrder,
  publishAs,
  registerPatient,
  reportResults,
  TESTS,
} from './support/lab-fixture';

interface Held {
  id: string;
  reasonCode: string;
  reason: string;
  deviceCode: string;
  specimenId: string;
  status: string;
}

/**
 * What LIS cannot place is held, never dropped: analyzer results for unknown barcodes, unmapped codes, tests
 * not on the order, wrong units; and orders for tests LIS has no definition of. Each is listed with its
 * reason and resolved or discarded by a person.
 */
describe('LIS: held results and held orders', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootLab();
    call = api(booted);
    expect((await call('PUT', '/tests', { items: TESTS })).status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  async function receivedTube(serviceCodes: string[]) {
    const patientId = await registerPatient(booted);
    const encounterId = randomUUID();
    for (const serviceCode of serviceCodes) await placeOrder(booted, { patientId, encounterId, serviceCode });
    const tube = await eventually(async () => {
      const s = (await call('GET', `/specimens?patientId=${patientId}`)).body;
      return s[0]?.tests.length === serviceCodes.length ? s[0] : undefined;
    }, 'the tube with its tests');
    expect((await call('POST', `/specimens/${tube.barcode}/receive`, {})).status).toBe(200);
    return { patientId, barcode: tube.barcode as string };
  }

  it('holds unknown barcodes, unmapped codes, tests not ordered, wrong units; resolves or discards them', async () => {
    const { barcode } = await receivedTube(['XN-GLU', 'XN-CREA', 'XN-HBSAG']);
    await reportResults(booted, 'NO-SUCH-TUBE', [{ serviceCode: 'XN-CREA', value: '80', unit: 'umol/L' }]);
    await reportResults(booted, barcode, [
      { deviceCode: 'HBs', value: 'Negative', mapped: false },
      { serviceCode: 'XN-GLU', value: '90', unit: 'mg/dL' },
      { serviceCode: 'XN-HGB', value: '131', unit: 'g/L' },
      { serviceCode: 'XN-CREA', loinc: '14682-9', value: '88', unit: 'umol/L' },
      { serviceCode: 'XN-CREA', value: '', unit: 'umol/L', resultStatus: 'X' },
    ]);
    const held: Held[] = await eventually(async () => {
      const h = (await call('GET', '/held-results')).body;
      return h.length === 6 ? h : undefined;
    }, 'six held results');
    const byReason = Object.fromEntries(held.map((h) => [h.reasonCode, h]));
    expect(Object.keys(byReason).sort()).toEqual([
      'LOINC_MISMATCH',
      'RESULT_NOT_OBTAINED',
      'TEST_NOT_ORDERED',
      'UNIT_MISMATCH',
      'UNKNOWN_SPECIMEN',
      'UNMAPPED_CODE',
    ]);
    expect(byReason['UNKNOWN_SPECIMEN']).toMatchObject({ specimenId: 'NO-SUCH-TUBE', status: 'held' });
    expect(byReason['UNIT_MISMATCH'].reason).toMatch(/reported "mg\/dL", XN-GLU is in "mmol\/L"/);
    expect(byReason['UNMAPPED_CODE'].reason).toMatch(/device code "HBs"/);
    expect(byReason['TEST_NOT_ORDERED'].reason).toMatch(/XN-HGB is not ordered on specimen/);
    expect((await call('GET', '/held-results?reasonCode=UNIT_MISMATCH')).body).toHaveLength(1);
    expect((await call('GET', `/results?barcode=${barcode}`)).body).toEqual([]);

    // Unknown barcode: attached to the right tube by a person; it then waits for human validation.
    const r1 = await call('POST', `/held-results/${byReason['UNKNOWN_SPECIMEN'].id}/resolve`, {
      specimenId: barcode,
    });
    expect(r1.status).toBe(200);
    expect(r1.body.held).toMatchObject({
      status: 'resolved',
      resolvedBy: 'ktv-lan',
      resultId: r1.body.result.id,
      resolution: { specimenId: barcode, serviceCode: 'XN-CREA' },
    });
    expect(r1.body.result).toMatchObject({
      barcode,
      serviceCode: 'XN-CREA',
      value: '80',
      abnormalFlag: 'N',
      status: 'pending-technical',
      heldResultId: byReason['UNKNOWN_SPECIMEN'].id,
    });
    expect(r1.body.result.autoVerification.checks[0]).toMatchObject({ check: 'source', passed: false });
    expect((await call('POST', `/held-results/${byReason['UNKNOWN_SPECIMEN'].id}/resolve`, {})).status).toBe(
      409,
    );

    // Wrong unit: the same checks refuse it as it is (422 with the reason), a value converted by hand passes.
    const asIs = await call('POST', `/held-results/${byReason['UNIT_MISMATCH'].id}/resolve`, {});
    expect(asIs.status).toBe(422);
    expect(asIs.body.code).toBe('UNIT_MISMATCH');
    const converted = await call('POST', `/held-results/${byReason['UNIT_MISMATCH'].id}/resolve`, {
      value: '5.0',
      unit: 'mmol/L',
    });
    expect(converted.body.result).toMatchObject({ serviceCode: 'XN-GLU', value: '5.0', deviceValue: '5.0' });

    // Unmapped code: a person says which test it is.
    const mapped = await call('POST', `/held-results/${byReason['UNMAPPED_CODE'].id}/resolve`, {
      serviceCode: 'XN-HBSAG',
    });
    expect(mapped.body.result).toMatchObject({
      serviceCode: 'XN-HBSAG',
      value: 'Negative',
      abnormalFlag: null,
      status: 'pending-technical',
    });

    // Not ordered on this tube: a wrong test is refused; discarding needs a reason and happens once.
    const wrong = await call('POST', `/held-results/${byReason['TEST_NOT_ORDERED'].id}/resolve`, {});
    expect(wrong.body.code).toBe('TEST_NOT_ORDERED');
    expect((await call('POST', `/held-results/${byReason['TEST_NOT_ORDERED'].id}/discard`, {})).status).toBe(
      400,
    );
    const discarded = await call('POST', `/held-results/${byReason['TEST_NOT_ORDERED'].id}/discard`, {
      reason: 'tube loaded on the haematology rack by mistake',
    });
    expect(discarded.body).toMatchObject({
      status: 'discarded',
      resolvedBy: 'ktv-lan',
      discardReason: 'tube loaded on the haematology rack by mistake',
    });
    expect(
      (
        await call('POST', `/held-results/${byReason['TEST_NOT_ORDERED'].id}/discard`, {
          reason: 'again',
        })
      ).status,
    ).toBe(409);

    // A result whose test already has a released one is held too (correct the released one instead).
    const crea = (await call('GET', `/results?barcode=${barcode}`)).body.find(
      (r: { serviceCode: string }) => r.serviceCode === 'XN-CREA',
    );
    await call('POST', `/results/${crea.id}/technical-validation`, undefined, { 'x-actor-id': 'ktv-an' });
    await call('POST', `/results/${crea.id}/medical-validation`, undefined, { 'x-actor-id': 'bs-binh' });
    await reportResults(booted, barcode, [{ serviceCode: 'XN-CREA', value: '81', unit: 'umol/L' }]);
    await eventually(async () => {
      const h = (await call('GET', '/held-results?reasonCode=ALREADY_FINAL')).body;
      return h.length === 1 ? h : undefined;
    }, 'the late result held');

    expect((await call('GET', '/held-results')).body.map((h: Held) => h.reasonCode).sort()).toEqual([
      'ALREADY_FINAL',
      'LOINC_MISMATCH',
      'RESULT_NOT_OBTAINED',
    ]);
    expect((await call('GET', '/held-results?status=resolved')).body).toHaveLength(3);
  });

  it('holds an order for an undefined test until the test is defined, and follows cancellations', async () => {
    const patientId = await registerPatient(booted);
    const encounterId = randomUUID();
    const ft4 = await placeOrder(booted, { patientId, encounterId, serviceCode: 'XN-FT4' });
    const other = await placeOrder(booted, { patientId, encounterId, serviceCode: 'XN-TSH' });
    const held = await eventually(async () => {
      const h = (await call('GET', '/held-orders')).body;
      return h.length === 2 ? h : undefined;
    }, 'two held orders');
    expect(held[0]).toMatchObject({ orderId: ft4, serviceCode: 'XN-FT4', reasonCode: 'UNKNOWN_TEST' });
    expect((await call('GET', `/specimens?patientId=${patientId}`)).body).toEqual([]);

    // Defining the test accessions the order waiting for it.
    const put = await call('PUT', '/tests', {
      items: [
        {
          serviceCode: 'XN-FT4',
          name: 'Free T4',
          loinc: '3024-7',
          specimenType: 'SER',
          containerType: 'SST',
          unit: 'pmol/L',
          referenceRanges: [{ low: '12', high: '22' }],
        },
      ],
    });
    expect(put.status).toBe(200);
    const [tube] = (await call('GET', `/specimens?patientId=${patientId}`)).body;
    expect(tube.tests.map((t: { orderId: string }) => t.orderId)).toEqual([ft4]);
    expect((await call('GET', '/held-orders?status=accessioned')).body[0]).toMatchObject({ orderId: ft4 });

    // HIS cancels both: the held one is closed, the accessioned one leaves its tube (and the tube with it).
    for (const orderId of [other, ft4])
      await publishAs(booted, 'his', Topics.HisOrder, OrderCancelledSchema, {
        orderId,
        encounterId,
        patientId,
        reason: 'ordered twice',
      });
    await eventually(async () => {
      const s = (await call('GET', `/specimens/${tube.barcode}`)).body;
      return s.status === 'cancelled' ? s : undefined;
    }, 'the tube cancelled');
    expect((await call('GET', `/specimens/${tube.barcode}`)).body.tests[0]).toMatchObject({
      status: 'cancelled',
      cancelReason: 'ordered twice',
    });
    expect((await call('GET', '/held-orders?status=cancelled')).body[0]).toMatchObject({ orderId: other });
    expect((await call('GET', '/held-orders')).body).toEqual([]);
    expect((await call('POST', `/specimens/${tube.barcode}/receive`, {})).status).toBe(409);

    const another = await placeOrder(booted, {
      patientId,
      encounterId: randomUUID(),
      serviceCode: 'XN-NONE',
    });
    await eventually(async () => {
      const h = (await call('GET', '/held-orders')).body;
      return h.length === 1 ? h : undefined;
    }, 'the held order');
    expect(
      (await call('POST', `/held-orders/${another}/discard`, { reason: 'sent out' })).body,
    ).toMatchObject({
      status: 'discarded',
      discardReason: 'sent out',
    });
  });
});

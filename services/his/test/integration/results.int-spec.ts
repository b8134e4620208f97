import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AbnormalFlag,
  deadLetterTopicName,
  ResultFinalizedSchema,
  SpecimenStatus,
  SpecimenStatusChangedSchema,
  Topics,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  type Api,
  bootHis,
  CATALOG,
  eventually,
  newPatient,
  publishAs,
  readEvents,
} from './support/his-fixture';

describe('HIS results from LIS: idempotent, and unknown patients go to the DLQ', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    await call('PUT', '/catalog/services', { items: CATALOG });
  }, 120_000);
  afterAll(() => booted?.close());

  const result = (patientId: string, orderId: string, value: string) => ({
    resultId: randomUUID(),
    orderId,
    patientId,
    accessionNumber: 'XN1',
    test: { system: 'http://loinc.org', code: '2345-7', display: 'Glucose' },
    value,
    unit: 'mmol/L',
    abnormalFlag: AbnormalFlag.HIGH,
    releasedAt: timestampFromDate(new Date()),
  });

  it('applies a redelivered event once, and sends an event about an unknown patient to the DLQ with the reason', async () => {
    const p = (await call('POST', '/patients', newPatient())).body;
    const e = (
      await call('POST', '/encounters', {
        patientId: p.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      })
    ).body;
    const [o] = (await call('POST', `/encounters/${e.id}/orders`, { orders: [{ serviceCode: 'XN-CBC' }] }))
      .body;

    await publishAs(booted, 'laboratory', Topics.LabSpecimen, SpecimenStatusChangedSchema, {
      specimenId: 'S0001',
      accessionNumber: 'XN1',
      patientId: p.id,
      orderIds: [o.id],
      status: SpecimenStatus.RECEIVED,
    });
    await eventually(async () => {
      const order = (await call('GET', `/orders/${o.id}`)).body;
      return order.status === 'in-progress' ? order : undefined;
    }, 'the order in progress once its specimen is received');

    const stranger = randomUUID();
    await publishAs(
      booted,
      'laboratory',
      Topics.LabResult,
      ResultFinalizedSchema,
      result(stranger, randomUUID(), '5.1'),
    );
    const eventId = randomUUID();
    const body = result(p.id, o.id, '11.2');
    await publishAs(booted, 'laboratory', Topics.LabResult, ResultFinalizedSchema, body, eventId);
    await publishAs(booted, 'laboratory', Topics.LabResult, ResultFinalizedSchema, body, eventId);
    await publishAs(
      booted,
      'laboratory',
      Topics.LabResult,
      ResultFinalizedSchema,
      result(p.id, o.id, '11.4'),
    );

    const entries = await eventually(async () => {
      const t = (await call('GET', `/patients/${p.id}/timeline?kinds=lab-result`)).body;
      return t.length >= 2 ? t : undefined;
    }, 'two lab results on the timeline');
    // Give a duplicate time to be (wrongly) applied before counting.
    await new Promise((r) => setTimeout(r, 1000));
    const final = (await call('GET', `/patients/${p.id}/timeline?kinds=lab-result`)).body;
    expect(final.map((x: { summary: string }) => x.summary)).toEqual([
      'Glucose: 11.2 mmol/L (H)',
      'Glucose: 11.4 mmol/L (H)',
    ]);
    expect(entries[0].encounterId).toBe(e.id);

    const dlq = await readEvents(
      booted,
      { name: deadLetterTopicName(Topics.LabResult.name, 'his.clinical-results') },
      (es) => es.length >= 1,
    );
    expect(dlq[0].key).toBe(stranger);
    expect(dlq[0].headers['dlq_error']).toMatch(/not in this HIS's patient index/);
  });
});

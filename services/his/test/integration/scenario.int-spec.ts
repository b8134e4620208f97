import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AbnormalFlag,
  ProcedureStatus,
  ProcedureStatusChangedSchema,
  ReportFinalizedSchema,
  ResultFinalizedSchema,
  Topics,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  type Api,
  bootHis,
  CARD_WINDOW,
  CATALOG,
  eventually,
  newCardNumber,
  newPatient,
  publishAs,
} from './support/his-fixture';

/**
 * The scenario, end to end against real PostgreSQL and Kafka: check-in by card -> encounter -> lab and
 * imaging orders -> results from a test producer standing in for LIS and RIS -> the timeline shows them ->
 * discharge -> the ledger totals are right.
 */
describe('HIS scenario: reception to discharge', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    expect((await call('PUT', '/catalog/services', { items: CATALOG })).status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  it('runs a visit from the kiosk to the closed ledger', async () => {
    const cardNumber = newCardNumber(4);
    const checkIn = await call('POST', '/reception/check-ins', {
      cardNumber,
      card: CARD_WINDOW,
      patient: newPatient(),
      roomCode: 'P101',
      departmentCode: 'K01',
      examServiceCode: 'KB01',
    });
    expect(checkIn.status).toBe(201);
    const { patient, encounter, ticket } = checkIn.body;
    expect(checkIn.body.patientCreated).toBe(true);
    expect(patient.insuranceCards[0]).toMatchObject({ cardNumber, benefitLevel: 4 });
    expect(encounter).toMatchObject({
      status: 'in-progress',
      visitType: '01',
      coveragePercent: '80',
      route: 'correct',
    });
    expect(ticket).toMatchObject({ number: 'P101-001', status: 'waiting', encounterId: encounter.id });

    const called = await call('POST', '/reception/rooms/P101/call-next');
    expect(called.body).toMatchObject({ id: ticket.id, status: 'called' });

    const ordered = await call('POST', `/encounters/${encounter.id}/orders`, {
      orders: [
        { serviceCode: 'XN-CBC' },
        { serviceCode: 'CDHA-CT', priority: 'urgent' },
        { serviceCode: 'XN-CBC', clinicalNote: 'duplicate by mistake' },
      ],
    });
    expect(ordered.status).toBe(201);
    const [lab, ct, mistaken] = ordered.body;
    expect(lab).toMatchObject({ status: 'placed', category: 'laboratory', orderingProviderId: 'bs-tran' });
    const cancelled = await call('POST', `/orders/${mistaken.id}/cancel`, { reason: 'ordered twice' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'ordered twice' });

    // LIS and RIS answer through Kafka.
    await publishAs(booted, 'laboratory', Topics.LabResult, ResultFinalizedSchema, {
      resultId: randomUUID(),
      orderId: lab.id,
      patientId: patient.id,
      accessionNumber: 'XN2611220001',
      test: { system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' },
      value: '98',
      unit: 'g/L',
      referenceRange: '120-155',
      abnormalFlag: AbnormalFlag.LOW,
      releasedAt: timestampFromDate(new Date()),
    });
    await publishAs(booted, 'radiology-orders', Topics.RisProcedure, ProcedureStatusChangedSchema, {
      procedureId: 'RP-1',
      orderId: ct.id,
      patientId: patient.id,
      accessionNumber: 'CT2611220007',
      modality: 'CT',
      status: ProcedureStatus.COMPLETED,
      changedAt: timestampFromDate(new Date()),
    });
    await publishAs(booted, 'radiology-orders', Topics.RisProcedure, ReportFinalizedSchema, {
      reportId: 'RPT-1',
      procedureId: 'RP-1',
      orderId: ct.id,
      patientId: patient.id,
      accessionNumber: 'CT2611220007',
      findings: 'Không thấy tổn thương nhu mô não.',
      impression: 'CT sọ não bình thường',
      radiologistId: 'bs-le',
      signedAt: timestampFromDate(new Date()),
    });

    const timeline = await eventually(async () => {
      const t = await call('GET', `/patients/${patient.id}/timeline`);
      const kinds = t.body.map((e: { kind: string }) => e.kind);
      return kinds.includes('lab-result') && kinds.includes('imaging-report') ? t.body : undefined;
    }, 'results on the timeline');
    const labEntry = timeline.find((e: { kind: string }) => e.kind === 'lab-result');
    expect(labEntry).toMatchObject({ encounterId: encounter.id, summary: 'Hemoglobin: 98 g/L (L)' });
    expect(labEntry.detail).toMatchObject({ accessionNumber: 'XN2611220001', referenceRange: '120-155' });
    expect(timeline.find((e: { kind: string }) => e.kind === 'imaging-report').summary).toBe(
      'Report: CT sọ não bình thường',
    );
    const times = timeline.map((e: { occurredAt: string }) => Date.parse(e.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await call('GET', `/orders/${lab.id}`)).body).toMatchObject({
      status: 'completed',
      accessionNumber: 'XN2611220001',
    });
    expect((await call('GET', `/orders/${ct.id}`)).body).toMatchObject({
      status: 'completed',
      accessionNumber: 'CT2611220007',
    });

    // One bed-day, then discharge and close.
    expect(
      (
        await call('POST', `/encounters/${encounter.id}/charges`, {
          kind: 'service',
          code: 'GIUONG-NOI',
          quantity: '1',
        })
      ).status,
    ).toBe(201);
    const discharged = await call('POST', `/encounters/${encounter.id}/discharge`, {
      outcome: '2',
      dischargeType: '1',
      mainDiagnosis: 'D64.9',
      secondaryDiagnoses: ['I10'],
    });
    expect(discharged.body).toMatchObject({
      status: 'discharged',
      mainDiagnosis: 'D64.9',
      secondaryDiagnoses: ['I10'],
    });
    const closed = await call('POST', `/encounters/${encounter.id}/close`, {});
    expect(closed.status).toBe(200);

    // 80% card: exam 34 500 (BHYT price = hospital price), CBC 40 000 / 35 000, CT 500 000 / 480 000,
    // bed 200 000 / 180 000; the cancelled CBC was charged and reversed. Insurer = 80% of the BHYT prices;
    // the patient pays 20% of them plus the difference to the hospital prices (QĐ 130 §1.12).
    const ledger = await call('GET', `/encounters/${encounter.id}/charges`);
    expect(ledger.body.lines).toHaveLength(6); // exam, 3 orders, 1 reversal, bed
    expect(ledger.body.totals).toMatchObject({
      amountHospital: '774500.00',
      amountInsurance: '729500.00',
      insurerPays: '583600.00',
      patientCopay: '145900.00',
      patientPays: '45000.00',
      patientTotal: '190900.00',
    });
    expect(closed.body.totals).toEqual(ledger.body.totals);
    expect(closed.body.status).toBe('closed');
  }, 120_000);
});

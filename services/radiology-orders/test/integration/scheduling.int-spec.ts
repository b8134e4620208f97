import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  deadLetterTopicName,
  OrderCategory,
  OrderPlacedSchema,
  OrderPriority,
  PatientUpdatedSchema,
  ProcedureCancelledSchema,
  ProcedureScheduledSchema,
  ProcedureStatus,
  ProcedureStatusChangedSchema,
  Sex,
  Topics,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  type Api,
  bootRis,
  cancelOrder,
  placeImagingOrder,
  procedureOf,
  publishAs,
  readEvents,
  readPayloads,
  registerPatient,
  STATIONS,
} from './support/ris-fixture';

const facilityDate = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
const YYMMDD = () => facilityDate(new Date()).slice(2).replace(/-/g, '');

/**
 * The scheduling half of the issue against the real stack, with the test standing in for HIS: stations, imaging
 * orders becoming requested procedures with accession numbers, worklist items (ProcedureScheduled with the
 * demographics and a 2.25 Study Instance UID), the scheduling rule, rescheduling and cancellation, and bad input.
 */
describe('RIS: orders to scheduled procedure steps', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootRis();
    call = api(booted);
    const put = await call('PUT', '/stations', { items: STATIONS });
    expect(put.status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  it('manages stations and refuses bad ones, naming the fields', async () => {
    const list = (await call('GET', '/stations?modality=CT')).body;
    expect(list.map((s: { aeTitle: string }) => s.aeTitle)).toEqual(['CT_CC', 'CT_SOMATOM']);
    expect((await call('GET', '/stations/MR_AMIRA')).body).toMatchObject({
      name: 'MRI 1.5T',
      modality: 'MR',
      departmentCode: 'CDHA',
      slotMinutes: 30,
      active: true,
    });
    expect((await call('GET', '/stations/NOPE')).status).toBe(404);
    const bad = await call('PUT', '/stations', {
      items: [
        { aeTitle: 'THIS_AE_TITLE_IS_TOO_LONG', name: 'x', modality: 'CT' },
        { aeTitle: 'US_1', name: 'Siêu âm', modality: 'us' },
        { aeTitle: 'DX_ROOM1', name: 'a name longer than sixteen', modality: 'DX', slotMinutes: 0 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'items[0].aeTitle',
      'items[1].modality',
      'items[2].name',
      'items[2].slotMinutes',
    ]);
    const twice = await call('PUT', '/stations', { items: [STATIONS[0], STATIONS[0]] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([{ field: 'items[1].aeTitle', reason: 'CT_SOMATOM is given twice' }]);
  });

  it('schedules an imaging order with an accession number, demographics and a study UID', async () => {
    const { patientId, patientCode } = await registerPatient(booted, {
      fullName: 'Trần Văn Nam',
      birthDate: '1962-07-04',
      sex: Sex.MALE,
    });
    const orderId = await placeImagingOrder(booted, { patientId });
    // Not RIS's: ignored.
    await placeImagingOrder(booted, { patientId, category: OrderCategory.LABORATORY, modality: '' });
    const p = await procedureOf(call, orderId, 'scheduled');
    expect(p.accessionNumber).toMatch(new RegExp(`^CT${YYMMDD()}\\d{4}$`));
    expect(p).toMatchObject({
      patientId,
      requestedProcedureId: p.accessionNumber,
      scheduledStepId: `${p.accessionNumber}-1`,
      modality: 'CT',
      // The order's performing department (CDHA) has its own CT.
      stationAeTitle: 'CT_SOMATOM',
      stationName: 'CT 128 lát',
      priority: 'routine',
      procedureCode: { code: 'CDHA-CT-SN', display: 'Chụp CT sọ não không tiêm thuốc cản quang' },
      patient: { patientCode, fullName: 'Trần Văn Nam', birthDate: '1962-07-04', sex: 'male' },
      scheduledBy: null,
      version: 2,
    });
    expect(p.studyInstanceUid).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
    // A routine order takes the next 15-minute slot.
    const start = new Date(p.scheduledStart);
    expect(start.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(start.getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    expect(start.getUTCMinutes() % 15).toBe(0);
    expect(
      (await call('GET', `/procedures?orderId=${orderId}&modality=CT&status=scheduled`)).body,
    ).toHaveLength(1);
    expect(
      (await call('GET', `/procedures?date=${facilityDate(start)}&stationAeTitle=CT_SOMATOM`)).body.map(
        (x: { id: string }) => x.id,
      ),
    ).toContain(p.id);
    expect((await call('GET', `/procedures?modality=MR&orderId=${orderId}`)).body).toEqual([]);

    const [scheduled] = await readPayloads(booted, Topics.RisProcedure, ProcedureScheduledSchema, (xs) =>
      xs.some((x) => x.procedureId === p.id),
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(scheduled).toMatchObject({
      orderId,
      patientId,
      accessionNumber: p.accessionNumber,
      requestedProcedureId: p.accessionNumber,
      scheduledStepId: p.scheduledStepId,
      modality: 'CT',
      stationAeTitle: 'CT_SOMATOM',
      stationName: 'CT 128 lát',
      procedureCode: { system: 'urn:hosp:his:service-catalog', code: 'CDHA-CT-SN' },
      description: 'Chụp CT sọ não không tiêm thuốc cản quang',
      patientCode,
      patientName: 'Trần Văn Nam',
      birthDate: '1962-07-04',
      sex: Sex.MALE,
      priority: 'ROUTINE',
      referringPhysician: 'bs-tran',
      studyInstanceUid: p.studyInstanceUid,
    });
    expect(timestampDate(scheduled.scheduledStart!).toISOString()).toBe(start.toISOString());
    const statuses = await readPayloads(booted, Topics.RisProcedure, ProcedureStatusChangedSchema, (xs) =>
      xs.some((x) => x.procedureId === p.id),
    );
    expect(statuses.filter((x) => x.procedureId === p.id)).toEqual([
      expect.objectContaining({
        orderId,
        patientId,
        accessionNumber: p.accessionNumber,
        modality: 'CT',
        status: ProcedureStatus.SCHEDULED,
      }),
    ]);
    // The same order again (HIS re-sent it) changes nothing.
    await placeImagingOrder(booted, { patientId, orderId });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call('GET', `/procedures?orderId=${orderId}`)).body).toHaveLength(1);
  });

  it('schedules STAT orders now, and routine orders in the next free slot after the others', async () => {
    const { patientId } = await registerPatient(booted);
    const first = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    const second = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    expect(second.stationAeTitle).toBe('CT_SOMATOM');
    expect(new Date(second.scheduledStart).getTime()).toBeGreaterThan(
      new Date(first.scheduledStart).getTime(),
    );
    const before = Date.now();
    const stat = await procedureOf(
      call,
      await placeImagingOrder(booted, { patientId, priority: OrderPriority.STAT, department: 'CC' }),
      'scheduled',
    );
    expect(stat).toMatchObject({ priority: 'stat', stationAeTitle: 'CT_CC' });
    expect(new Date(stat.scheduledStart).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(stat.scheduledStart).getTime()).toBeLessThanOrEqual(Date.now());
    const [item] = await readPayloads(booted, Topics.RisProcedure, ProcedureScheduledSchema, (xs) =>
      xs.some((x) => x.procedureId === stat.id),
    ).then((xs) => xs.filter((x) => x.procedureId === stat.id));
    expect(item.priority).toBe('STAT');
  });

  it('keeps an order without a station waiting, and schedules it when one is defined', async () => {
    const { patientId } = await registerPatient(booted);
    const orderId = await placeImagingOrder(booted, {
      patientId,
      modality: 'MG',
      serviceCode: 'CDHA-MG',
      serviceName: 'Chụp X-quang tuyến vú',
    });
    const waiting = await procedureOf(call, orderId, 'requested');
    expect(waiting).toMatchObject({
      waitingReasonCode: 'NO_STATION',
      waitingReason: 'no active station for the modality MG',
      stationAeTitle: null,
      scheduledStart: null,
    });
    expect(waiting.accessionNumber).toMatch(new RegExp(`^MG${YYMMDD()}\\d{4}$`));
    expect(
      (await call('GET', '/procedures?status=requested')).body.map((x: { id: string }) => x.id),
    ).toContain(waiting.id);
    // An order without a modality waits for a person to choose a station.
    const noModality = await procedureOf(call, await placeImagingOrder(booted, { patientId, modality: '' }));
    expect(noModality).toMatchObject({ status: 'requested', waitingReasonCode: 'NO_MODALITY' });
    expect(noModality.accessionNumber).toMatch(/^OT\d{10}$/);

    const put = await call('PUT', '/stations', {
      items: [{ aeTitle: 'MG_SENO', name: 'Nhũ ảnh', modality: 'MG', departmentCode: 'CDHA' }],
    });
    expect(put.status).toBe(200);
    const p = (await call('GET', `/procedures/${waiting.id}`)).body;
    expect(p).toMatchObject({ status: 'scheduled', stationAeTitle: 'MG_SENO', waitingReasonCode: null });
    await readPayloads(booted, Topics.RisProcedure, ProcedureScheduledSchema, (xs) =>
      xs.some((x) => x.procedureId === p.id && x.stationAeTitle === 'MG_SENO'),
    );

    const manual = await call('POST', `/procedures/${noModality.id}/reschedule`, {
      stationAeTitle: 'DX_ROOM1',
      version: noModality.version,
    });
    expect(manual.status).toBe(200);
    expect(manual.body).toMatchObject({ status: 'scheduled', modality: 'DX', scheduledBy: 'bs-minh' });
    const st = await readPayloads(booted, Topics.RisProcedure, ProcedureStatusChangedSchema, (xs) =>
      xs.some((x) => x.procedureId === noModality.id),
    );
    expect(st.filter((x) => x.procedureId === noModality.id).map((x) => x.status)).toEqual([
      ProcedureStatus.SCHEDULED,
    ]);
  });

  it('reschedules to another station and time, emitting ProcedureScheduled again', async () => {
    const { patientId } = await registerPatient(booted);
    const p = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    const at = new Date(Math.ceil((Date.now() + 26 * 3600_000) / 60_000) * 60_000);
    const r = await call(
      'POST',
      `/procedures/${p.id}/reschedule`,
      { stationAeTitle: 'CT_CC', scheduledStart: at.toISOString(), version: p.version },
      { 'x-actor-id': 'ktv-hung' },
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'scheduled',
      stationAeTitle: 'CT_CC',
      stationName: 'CT Cấp cứu',
      scheduledStart: at.toISOString(),
      scheduledBy: 'ktv-hung',
      accessionNumber: p.accessionNumber,
      scheduledStepId: p.scheduledStepId,
      studyInstanceUid: p.studyInstanceUid,
      version: p.version + 1,
    });
    const items = await readPayloads(booted, Topics.RisProcedure, ProcedureScheduledSchema, (xs) =>
      xs.some((x) => x.procedureId === p.id && x.stationAeTitle === 'CT_CC'),
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(items.map((x) => [x.stationAeTitle, timestampDate(x.scheduledStart!).toISOString()])).toEqual([
      ['CT_SOMATOM', p.scheduledStart],
      ['CT_CC', at.toISOString()],
    ]);
    expect(new Set(items.map((x) => x.studyInstanceUid)).size).toBe(1);
    // Only a station: its next free slot.
    const again = await call('POST', `/procedures/${p.id}/reschedule`, {
      stationAeTitle: 'CT_SOMATOM',
      version: r.body.version,
    });
    expect(again.status).toBe(200);
    expect(new Date(again.body.scheduledStart).getUTCMinutes() % 15).toBe(0);

    // Bad input, each with its code.
    const stale = await call('POST', `/procedures/${p.id}/reschedule`, {
      stationAeTitle: 'CT_CC',
      version: p.version,
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { currentVersion: again.body.version },
    });
    const unknown = await call('POST', `/procedures/${p.id}/reschedule`, {
      stationAeTitle: 'CT_NOWHERE',
      version: again.body.version,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'stationAeTitle', reason: 'unknown station CT_NOWHERE' }]);
    const mr = await call('POST', `/procedures/${p.id}/reschedule`, {
      stationAeTitle: 'MR_AMIRA',
      version: again.body.version,
    });
    expect(mr.status).toBe(422);
    expect(mr.body.code).toBe('MODALITY_MISMATCH');
    const nothing = await call('POST', `/procedures/${p.id}/reschedule`, { version: again.body.version });
    expect(nothing.status).toBe(400);
    expect(nothing.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'stationAeTitle',
      'scheduledStart',
    ]);
    const past = await call('POST', `/procedures/${p.id}/reschedule`, {
      scheduledStart: new Date(Date.now() - 3600_000).toISOString(),
      version: again.body.version,
    });
    expect(past.body.errors).toEqual([{ field: 'scheduledStart', reason: 'is in the past' }]);
    const noVersion = await call('POST', `/procedures/${p.id}/reschedule`, { stationAeTitle: 'CT_CC' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.errors[0].field).toBe('version');
    const anonymous = await call(
      'POST',
      `/procedures/${p.id}/reschedule`,
      { stationAeTitle: 'CT_CC', version: again.body.version },
      { 'x-actor-id': '' },
    );
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors[0].field).toBe('x-actor-id');
    const missing = await call('POST', `/procedures/${randomUUID()}/reschedule`, {
      stationAeTitle: 'CT_CC',
      version: 1,
    });
    expect(missing.status).toBe(404);
    expect((await call('GET', `/procedures/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', '/procedures/not-a-uuid')).status).toBe(400);
    expect(
      (await call('GET', '/procedures?status=lost&date=2026-13-01')).body.errors.map(
        (e: { field: string }) => e.field,
      ),
    ).toEqual(['status', 'date']);
  });

  it('cancels when HIS cancels the order, and over REST; a cancelled procedure stays cancelled', async () => {
    const { patientId } = await registerPatient(booted);
    const byHis = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    await cancelOrder(booted, byHis.orderId, patientId);
    const cancelled = await procedureOf(call, byHis.orderId, 'cancelled');
    expect(cancelled).toMatchObject({ cancelReason: 'bệnh nhân từ chối', cancelledBy: null });

    const byRis = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    expect((await call('POST', `/procedures/${byRis.id}/cancel`, {})).status).toBe(400);
    const r = await call('POST', `/procedures/${byRis.id}/cancel`, { reason: 'máy CT hỏng' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'cancelled',
      cancelReason: 'máy CT hỏng',
      cancelledBy: 'bs-minh',
    });
    const again = await call('POST', `/procedures/${byRis.id}/cancel`, { reason: 'twice' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVALID_TRANSITION');
    const resched = await call('POST', `/procedures/${byRis.id}/reschedule`, {
      stationAeTitle: 'CT_CC',
      version: r.body.version,
    });
    expect(resched.status).toBe(409);

    const events = await readPayloads(booted, Topics.RisProcedure, ProcedureCancelledSchema, (xs) =>
      [byHis.id, byRis.id].every((id) => xs.some((x) => x.procedureId === id)),
    );
    expect(events.filter((x) => x.procedureId === byHis.id)).toEqual([
      expect.objectContaining({
        orderId: byHis.orderId,
        patientId,
        accessionNumber: byHis.accessionNumber,
        scheduledStepId: byHis.scheduledStepId,
        reason: 'bệnh nhân từ chối',
      }),
    ]);
    expect(events.filter((x) => x.procedureId === byRis.id)).toHaveLength(1);
  });

  it('sends the worklist item again when the demographics change', async () => {
    const { patientId } = await registerPatient(booted, { fullName: 'Lê Thị Hạnh', sex: Sex.FEMALE });
    const p = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    await publishAs(booted, 'his', Topics.HisPatient, PatientUpdatedSchema, {
      patientId,
      fullName: 'Lê Thị Hồng Hạnh',
      birthDate: '1970-01-02',
      sex: Sex.FEMALE,
      version: 2,
      updatedAt: timestampFromDate(new Date()),
    });
    const items = await readPayloads(booted, Topics.RisProcedure, ProcedureScheduledSchema, (xs) =>
      xs.some((x) => x.procedureId === p.id && x.patientName === 'Lê Thị Hồng Hạnh'),
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(items.map((x) => [x.patientName, x.birthDate])).toEqual([
      ['Lê Thị Hạnh', '1962-07-04'],
      ['Lê Thị Hồng Hạnh', '1970-01-02'],
    ]);
    expect(items[1].patientCode).toBe(items[0].patientCode);
  });

  it('dead-letters an imaging order that can never apply', async () => {
    const eventId = await publishAs(booted, 'his', Topics.HisOrder, OrderPlacedSchema, {
      orderId: randomUUID(),
      category: OrderCategory.IMAGING,
      modality: 'CT',
    });
    const dlq = await readEvents(
      booted,
      { name: deadLetterTopicName(Topics.HisOrder.name, 'radiology-orders.his') },
      (es) => es.some((e) => e.headers['ce_id'] === eventId),
      30_000,
    );
    const dead = dlq.find((e) => e.headers['ce_id'] === eventId)!;
    expect(dead.headers['dlq_error']).toBe('OrderPlaced lacks patient_id, service.code');
  });
});

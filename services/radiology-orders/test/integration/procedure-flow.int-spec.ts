import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CriticalFindingRaisedSchema,
  MppsStatus,
  ProcedureStatus,
  ProcedureStatusChangedSchema,
  ReportFinalizedSchema,
  StudyHeldSchema,
  Topics,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { randomUUID } from 'node:crypto';
import {
  api,
  type Api,
  bootRis,
  eventually,
  placeImagingOrder,
  procedureOf,
  publishAs,
  readPayloads,
  registerPatient,
  reportMpps,
  STATIONS,
  studyReceived,
} from './support/ris-fixture';

/**
 * The performed and reported half of the issue against the real stack, with the test standing in for HIS and
 * the image archive gateway: MPPS and the study's arrival moving the procedure forward only (duplicates and late
 * reports change nothing), the radiologist's report from draft to final and addendum, critical findings raised at
 * once, a report from an outside RIS, and the conflicts each step refuses.
 */
describe('RIS: performed procedure steps and reports', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootRis();
    call = api(booted);
    expect((await call('PUT', '/stations', { items: STATIONS })).status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  async function scheduled() {
    const { patientId } = await registerPatient(booted);
    const p = await procedureOf(call, await placeImagingOrder(booted, { patientId }), 'scheduled');
    return { patientId, p };
  }

  async function statusesOf(procedureId: string, until: (s: ProcedureStatus[]) => boolean) {
    const xs = await readPayloads(booted, Topics.RisProcedure, ProcedureStatusChangedSchema, (all) =>
      until(all.filter((x) => x.procedureId === procedureId).map((x) => x.status)),
    );
    return xs.filter((x) => x.procedureId === procedureId);
  }

  it('follows MPPS forward only: a duplicate or late report changes nothing', async () => {
    const { p } = await scheduled();
    const uid = `1.2.826.0.1.3680043.8.498.${Date.now()}1`;
    const startedAt = new Date(Date.now() - 10 * 60_000);
    const mpps = {
      mppsInstanceUid: uid,
      scheduledStepId: p.scheduledStepId,
      accessionNumber: p.accessionNumber,
      requestedProcedureId: p.requestedProcedureId,
      studyInstanceUid: p.studyInstanceUid,
      modality: 'CT',
      stationAeTitle: 'CT_SOMATOM',
      patientId: p.patient.patientCode,
      startedAt: timestampFromDate(startedAt),
    };
    await reportMpps(booted, { ...mpps, status: MppsStatus.IN_PROGRESS });
    await procedureOf(call, p.orderId, 'in-progress');
    // The same N-CREATE again (the gateway replayed it under a new event id): recognised, nothing moves.
    await reportMpps(booted, { ...mpps, status: MppsStatus.IN_PROGRESS });
    await reportMpps(booted, {
      ...mpps,
      status: MppsStatus.COMPLETED,
      endedAt: timestampFromDate(new Date()),
      instanceCount: 212,
    });
    const done = await procedureOf(call, p.orderId, 'completed');
    expect(new Date(done.startedAt).toISOString()).toBe(startedAt.toISOString());
    expect(done.completedAt).not.toBeNull();
    // Late: an IN PROGRESS after COMPLETED, and a DISCONTINUED of the same step.
    await reportMpps(booted, { ...mpps, mppsInstanceUid: `${uid}9`, status: MppsStatus.IN_PROGRESS });
    await reportMpps(booted, { ...mpps, status: MppsStatus.DISCONTINUED, discontinuationReason: 'late' });
    const got = await eventually(async () => {
      const b = (await call('GET', `/procedures/${p.id}`)).body;
      return b.mpps.length === 4 ? b : undefined;
    }, 'four MPPS reports on the procedure');
    expect(got.status).toBe('completed');
    expect(got.mpps.map((x: { status: string; effect: string }) => [x.status, x.effect])).toEqual([
      ['in-progress', 'moved'],
      ['completed', 'moved'],
      ['in-progress', 'no-change'],
      ['discontinued', 'no-change'],
    ]);
    expect(got.mpps[1]).toMatchObject({ instanceCount: 212, stationAeTitle: 'CT_SOMATOM' });
    expect(got.mpps[1].payload).toMatchObject({ mppsInstanceUid: uid, status: 'MPPS_STATUS_COMPLETED' });

    const statuses = await statusesOf(p.id, (s) => s.includes(ProcedureStatus.COMPLETED));
    expect(statuses.map((x) => x.status)).toEqual([
      ProcedureStatus.SCHEDULED,
      ProcedureStatus.IN_PROGRESS,
      ProcedureStatus.COMPLETED,
    ]);
    expect(timestampDate(statuses[1].changedAt!).toISOString()).toBe(startedAt.toISOString());
  });

  it('matches MPPS by accession number too, keeps unmatched ones, and ends a discontinued step', async () => {
    const { p } = await scheduled();
    await reportMpps(booted, {
      status: MppsStatus.DISCONTINUED,
      accessionNumber: p.accessionNumber,
      discontinuationReason: 'Patient refused to continue procedure',
    });
    const d = await procedureOf(call, p.orderId, 'discontinued');
    expect(d.discontinuationReason).toBe('Patient refused to continue procedure');
    await reportMpps(booted, { status: MppsStatus.COMPLETED, accessionNumber: p.accessionNumber });
    const unmatched = `1.2.826.0.1.3680043.8.498.${Date.now()}7`;
    await reportMpps(booted, {
      mppsInstanceUid: unmatched,
      status: MppsStatus.IN_PROGRESS,
      accessionNumber: 'CT0000000000',
    });
    await eventually(async () => {
      const xs = (await call('GET', '/mpps?matched=false')).body;
      return xs.some((x: { mppsInstanceUid: string }) => x.mppsInstanceUid === unmatched) ? true : undefined;
    }, 'the unmatched MPPS listed');
    expect((await call('GET', `/procedures/${p.id}`)).body.status).toBe('discontinued');
    const statuses = await statusesOf(p.id, (s) => s.includes(ProcedureStatus.DISCONTINUED));
    expect(statuses.map((x) => x.status)).toEqual([ProcedureStatus.SCHEDULED, ProcedureStatus.DISCONTINUED]);
    // Nothing to report on a discontinued step.
    const r = await call('POST', `/procedures/${p.id}/reports`, { findings: 'x' });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('INVALID_TRANSITION');
  });

  it('notes the study when it arrives, and a study the gateway holds', async () => {
    const { patientId, p } = await scheduled();
    await publishAs(booted, 'image-archive-gateway', Topics.PacsStudy, StudyHeldSchema, {
      studyInstanceUid: p.studyInstanceUid,
      accessionNumber: p.accessionNumber,
      patientId: 'BN-OTHER',
      reasons: ['PatientName NGUYEN VAN A vs Trần Văn Nam'],
      heldAt: timestampFromDate(new Date()),
    });
    const held = await eventually(async () => {
      const b = (await call('GET', `/procedures/${p.id}`)).body;
      return b.studyHeld ? b : undefined;
    }, 'the held study on the procedure');
    expect(held.studyHeld).toMatchObject({
      studyInstanceUid: p.studyInstanceUid,
      reasons: ['PatientName NGUYEN VAN A vs Trần Văn Nam'],
    });
    expect(held.status).toBe('scheduled');

    await studyReceived(booted, {
      studyInstanceUid: p.studyInstanceUid,
      accessionNumber: p.accessionNumber,
      patientId,
      orderId: p.orderId,
      modalities: ['CT', 'SR'],
      seriesCount: 3,
      instanceCount: 420,
    });
    const got = await procedureOf(call, p.orderId, 'in-progress');
    expect(got.study).toMatchObject({
      studyInstanceUid: p.studyInstanceUid,
      seriesCount: 3,
      instanceCount: 420,
      modalities: ['CT', 'SR'],
    });
    expect(got.studyHeld).toBeNull();
    // More instances of the same study: the counts grow, the status stays.
    await studyReceived(booted, {
      studyInstanceUid: p.studyInstanceUid,
      accessionNumber: p.accessionNumber,
      patientId,
      orderId: p.orderId,
      modalities: ['CT', 'SR'],
      seriesCount: 4,
      instanceCount: 512,
    });
    await eventually(async () => {
      const b = (await call('GET', `/procedures/${p.id}`)).body;
      return b.study.instanceCount === 512 ? b : undefined;
    }, 'the study counts updated');
    // A study of no procedure of RIS's changes nothing (the gateway holds it).
    await studyReceived(booted, { studyInstanceUid: '1.2.3.4', accessionNumber: 'XX', patientId });
    const statuses = await statusesOf(p.id, (s) => s.includes(ProcedureStatus.IN_PROGRESS));
    expect(statuses.map((x) => x.status)).toEqual([ProcedureStatus.SCHEDULED, ProcedureStatus.IN_PROGRESS]);
  });

  it('takes a report from draft to preliminary to final, then an addendum', async () => {
    const { patientId, p } = await scheduled();
    // No images yet: nothing to report on.
    const early = await call('POST', `/procedures/${p.id}/reports`, { findings: 'Không thấy bất thường.' });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('NOT_PERFORMED');
    await reportMpps(booted, { status: MppsStatus.COMPLETED, scheduledStepId: p.scheduledStepId });
    await procedureOf(call, p.orderId, 'completed');

    const draft = await call(
      'POST',
      `/procedures/${p.id}/reports`,
      { findings: 'Nhu mô não không thấy tổn thương.' },
      { 'x-actor-id': 'bs-resident' },
    );
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ status: 'draft', version: 1, author: 'bs-resident', source: 'ris' });
    const id = draft.body.id;
    expect((await call('POST', `/procedures/${p.id}/reports`, { findings: 'twice' })).body.code).toBe(
      'REPORT_EXISTS',
    );
    const edited = await call('PUT', `/reports/${id}`, {
      findings: 'Nhu mô não không thấy tổn thương khu trú. Hệ thống não thất cân đối.',
      impression: 'Chưa phát hiện bất thường trên CT sọ não.',
      version: 1,
    });
    expect(edited.body).toMatchObject({ status: 'draft', version: 2 });
    const stale = await call('PUT', `/reports/${id}`, { findings: 'lost update', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    expect((await call('PUT', `/reports/${id}`, { version: 2 })).body.errors[0].field).toBe('findings');

    const prelim = await call(
      'POST',
      `/reports/${id}/preliminary`,
      { version: 2 },
      { 'x-actor-id': 'bs-resident' },
    );
    expect(prelim.body).toMatchObject({ status: 'preliminary', preliminaryBy: 'bs-resident', version: 3 });
    expect((await call('POST', `/reports/${id}/preliminary`, {})).body.code).toBe('INVALID_TRANSITION');
    // Nothing leaves RIS before the signature.
    expect((await call('GET', `/procedures/${p.id}`)).body.status).toBe('completed');

    const final = await call('POST', `/reports/${id}/finalize`, { version: 3 });
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({ status: 'final', signedBy: 'bs-minh', author: 'bs-resident' });
    expect(final.body.signedAt).toBeDefined();
    const twice = await call('POST', `/reports/${id}/finalize`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('INVALID_TRANSITION');
    expect((await call('PUT', `/reports/${id}`, { findings: 'x', version: 4 })).status).toBe(409);
    expect((await call('GET', `/procedures/${p.id}`)).body.status).toBe('reported');

    const addendum = await call(
      'POST',
      `/reports/${id}/addendum`,
      { addendum: 'Đối chiếu phim cũ: không thay đổi.' },
      { 'x-actor-id': 'bs-lan' },
    );
    expect(addendum.status).toBe(201);
    expect(addendum.body).toMatchObject({
      status: 'final',
      amends: id,
      signedBy: 'bs-lan',
      addendum: 'Đối chiếu phim cũ: không thay đổi.',
      impression: 'Chưa phát hiện bất thường trên CT sọ não.',
    });
    expect(addendum.body.findings).toMatch(
      /^Nhu mô não không thấy tổn thương khu trú\. Hệ thống não thất cân đối\.\n\nADDENDUM .+ \(bs-lan\):\nĐối chiếu phim cũ: không thay đổi\.$/,
    );
    expect((await call('GET', `/reports/${id}`)).body).toMatchObject({
      status: 'amended',
      amendedBy: addendum.body.id,
    });
    expect((await call('POST', `/reports/${id}/addendum`, { addendum: 'again' })).status).toBe(409);
    const history = (await call('GET', `/procedures/${p.id}/reports`)).body;
    expect(history.map((r: { status: string }) => r.status)).toEqual(['amended', 'final']);

    const finals = await readPayloads(
      booted,
      Topics.RisProcedure,
      ReportFinalizedSchema,
      (xs) => xs.filter((x) => x.procedureId === p.id).length === 2,
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(finals).toEqual([
      expect.objectContaining({
        reportId: id,
        orderId: p.orderId,
        patientId,
        accessionNumber: p.accessionNumber,
        findings: 'Nhu mô não không thấy tổn thương khu trú. Hệ thống não thất cân đối.',
        impression: 'Chưa phát hiện bất thường trên CT sọ não.',
        radiologistId: 'bs-minh',
        amended: false,
      }),
      expect.objectContaining({ reportId: addendum.body.id, radiologistId: 'bs-lan', amended: true }),
    ]);
    expect(timestampDate(finals[0].signedAt!).toISOString()).toBe(final.body.signedAt);
    const statuses = await statusesOf(p.id, (s) => s.includes(ProcedureStatus.REPORTED));
    expect(statuses.map((x) => x.status)).toEqual([
      ProcedureStatus.SCHEDULED,
      ProcedureStatus.COMPLETED,
      ProcedureStatus.REPORTED,
    ]);

    // Bad input: unknown ids, no actor.
    expect((await call('POST', `/reports/${randomUUID()}/finalize`, {})).status).toBe(404);
    expect((await call('POST', `/procedures/${randomUUID()}/reports`, { findings: 'x' })).status).toBe(404);
    expect((await call('GET', `/procedures/${randomUUID()}/reports`)).status).toBe(404);
    const anonymous = await call(
      'POST',
      `/reports/${addendum.body.id}/critical-finding`,
      { finding: 'x' },
      {
        'x-actor-id': '',
      },
    );
    expect(anonymous.status).toBe(400);
  });

  it('raises a critical finding at once, on a draft and on a final report', async () => {
    const { p } = await scheduled();
    await studyReceived(booted, {
      studyInstanceUid: p.studyInstanceUid,
      accessionNumber: p.accessionNumber,
      patientId: p.patientId,
      orderId: p.orderId,
      seriesCount: 2,
      instanceCount: 180,
    });
    await procedureOf(call, p.orderId, 'in-progress');
    const draft = await call('POST', `/procedures/${p.id}/reports`, {
      findings: 'Khối máu tụ dưới màng cứng bán cầu trái dày 12 mm, đè đẩy đường giữa 8 mm.',
      criticalFinding: 'Máu tụ dưới màng cứng cấp, đè đẩy đường giữa 8 mm',
    });
    expect(draft.body).toMatchObject({
      status: 'draft',
      critical: true,
      criticalRaisedBy: 'bs-minh',
    });
    const raised = await readPayloads(booted, Topics.RisProcedure, CriticalFindingRaisedSchema, (xs) =>
      xs.some((x) => x.procedureId === p.id),
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(raised).toEqual([
      expect.objectContaining({
        reportId: draft.body.id,
        orderId: p.orderId,
        patientId: p.patientId,
        accessionNumber: p.accessionNumber,
        finding: 'Máu tụ dưới màng cứng cấp, đè đẩy đường giữa 8 mm',
        radiologistId: 'bs-minh',
      }),
    ]);
    // The report is not final: the procedure is not reported.
    expect((await call('GET', `/procedures/${p.id}`)).body.status).toBe('in-progress');
    // The same finding again changes nothing; after signing, another one is raised too.
    await call('POST', `/reports/${draft.body.id}/critical-finding`, {
      finding: 'Máu tụ dưới màng cứng cấp, đè đẩy đường giữa 8 mm',
    });
    const final = await call('POST', `/reports/${draft.body.id}/finalize`, {});
    expect(final.body.status).toBe('final');
    const later = await call('POST', `/reports/${draft.body.id}/critical-finding`, {
      finding: 'Thoát vị não dưới liềm',
    });
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ critical: true, criticalFinding: 'Thoát vị não dưới liềm' });
    const all = await readPayloads(
      booted,
      Topics.RisProcedure,
      CriticalFindingRaisedSchema,
      (xs) => xs.filter((x) => x.procedureId === p.id).length >= 2,
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(all.map((x) => x.finding)).toEqual([
      'Máu tụ dưới màng cứng cấp, đè đẩy đường giữa 8 mm',
      'Thoát vị não dưới liềm',
    ]);
    const missing = await call('POST', `/reports/${draft.body.id}/critical-finding`, {});
    expect(missing.body.errors[0].field).toBe('finding');
  });

  it('takes a final report from an outside RIS, once per external id, amending an earlier one', async () => {
    const { p } = await scheduled();
    const body = {
      findings: 'Phổi hai bên sáng, không thấy tổn thương.',
      impression: 'X-quang ngực bình thường.',
      radiologistId: 'ext-bs-hoa',
      signedAt: new Date(Date.now() - 60_000).toISOString(),
      externalId: `ORU-${randomUUID()}`,
    };
    const r = await call('POST', `/procedures/${p.id}/external-report`, body, { 'x-actor-id': '' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'final',
      source: 'external',
      author: 'ext-bs-hoa',
      signedBy: 'ext-bs-hoa',
      signedAt: body.signedAt,
      externalId: body.externalId,
      amends: null,
    });
    const same = await call('POST', `/procedures/${p.id}/external-report`, body);
    expect(same.body.id).toBe(r.body.id);
    const corrected = await call('POST', `/procedures/${p.id}/external-report`, {
      ...body,
      impression: 'Nốt mờ nhỏ thùy trên phổi phải, đề nghị chụp CT.',
      externalId: `${body.externalId}-C`,
      signedAt: undefined,
    });
    expect(corrected.body).toMatchObject({ status: 'final', amends: r.body.id });
    expect((await call('GET', `/procedures/${p.id}`)).body.status).toBe('reported');
    const finals = await readPayloads(
      booted,
      Topics.RisProcedure,
      ReportFinalizedSchema,
      (xs) => xs.filter((x) => x.procedureId === p.id).length === 2,
    ).then((xs) => xs.filter((x) => x.procedureId === p.id));
    expect(finals.map((x) => [x.radiologistId, x.amended])).toEqual([
      ['ext-bs-hoa', false],
      ['ext-bs-hoa', true],
    ]);
    const statuses = await statusesOf(p.id, (s) => s.includes(ProcedureStatus.REPORTED));
    expect(statuses.map((x) => x.status)).toEqual([ProcedureStatus.SCHEDULED, ProcedureStatus.REPORTED]);

    const bad = await call('POST', `/procedures/${p.id}/external-report`, {
      findings: '',
      signedAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))]).toEqual([
      'findings',
      'radiologistId',
    ]);
    const future = await call('POST', `/procedures/${p.id}/external-report`, {
      ...body,
      externalId: undefined,
      signedAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(future.body.errors).toEqual([{ field: 'signedAt', reason: 'is in the future' }]);
    const other = await scheduled();
    const reused = await call('POST', `/procedures/${other.p.id}/external-report`, body);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('EXTERNAL_ID_IN_USE');
    const cancelled = await call('POST', `/procedures/${other.p.id}/cancel`, { reason: 'x' });
    expect(cancelled.status).toBe(200);
    const onCancelled = await call('POST', `/procedures/${other.p.id}/external-report`, {
      ...body,
      externalId: undefined,
    });
    expect(onCancelled.status).toBe(409);
  });
});

import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { MppsReportedSchema, MppsStatus, StudyReceivedSchema, Topics } from '@hosp/contracts';
import {
  bootService,
  type BootedService,
  eventually,
  jsonApi,
  type JsonApi,
  publishAs,
} from '@hosp/service-testing';
import { AppModule as HisModule } from '../../../services/his/src/app.module';
import { serviceDefinition as hisDefinition } from '../../../services/his/src/service.definition';
import { AppModule as RisModule } from '../../../services/radiology-orders/src/app.module';
import { serviceDefinition as risDefinition } from '../../../services/radiology-orders/src/service.definition';

/**
 * ARCHITECTURE flow 3 (IHE SWF.b) across HIS and RIS, with the test standing in for the image archive gateway
 * (MPPS, the study): a clinician orders a head CT in HIS -> RIS schedules it on a CT station with an accession
 * number -> HIS's order is scheduled -> MPPS in progress / completed move it to in progress / performed -> the
 * study arrives -> the radiologist's signed report completes it and lands on the EMR timeline. A second order
 * cancelled in HIS is withdrawn from RIS's worklist.
 */
describe('end to end: an imaging order from HIS to the signed report on the EMR timeline', () => {
  let his: BootedService;
  let ris: BootedService;

  beforeAll(async () => {
    his = await bootService(HisModule, hisDefinition);
    ris = await bootService(RisModule, risDefinition, { sameTopicsAs: his });
  }, 180_000);
  afterAll(async () => {
    for (const s of [ris, his]) await s?.close();
  }, 60_000);

  it('schedules, performs, reports and completes the order; a cancelled order leaves the worklist', async () => {
    const hisApi = jsonApi(his, { 'x-actor-id': 'bs-tran' });
    const risApi = jsonApi(ris, { 'x-actor-id': 'bs-minh' });

    await ok(
      hisApi('PUT', '/catalog/services', {
        items: [
          {
            code: 'CDHA-CT-SN',
            name: 'Chụp CT sọ não không tiêm thuốc cản quang',
            category: 'imaging',
            hospitalPrice: '522000',
            insurancePrice: '522000',
            performingDepartment: 'CDHA',
            modality: 'CT',
          },
        ],
      }),
    );
    await ok(
      risApi('PUT', '/stations', {
        items: [{ aeTitle: 'CT_SOMATOM', name: 'CT 128 lát', modality: 'CT', departmentCode: 'CDHA' }],
      }),
    );

    const patient = (
      await ok(
        hisApi('POST', '/patients', {
          citizenId: `079062${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
          fullName: 'Trần Văn Nam',
          birthDate: '1962-07-04',
          sex: 'male',
        }),
      )
    ).body;
    const encounter = (
      await ok(
        hisApi('POST', '/encounters', {
          patientId: patient.id,
          encounterClass: 'outpatient',
          departmentCode: 'K01',
        }),
      )
    ).body;
    const [order, toCancel] = (
      await ok(
        hisApi('POST', `/encounters/${encounter.id}/orders`, {
          orders: [
            { serviceCode: 'CDHA-CT-SN', clinicalNote: 'Đau đầu kéo dài' },
            { serviceCode: 'CDHA-CT-SN' },
          ],
        }),
      )
    ).body;

    // RIS schedules it; HIS's order follows with the accession number.
    const procedure = await eventually(async () => {
      const [p] = (await risApi('GET', `/procedures?orderId=${order.id}&status=scheduled`)).body;
      return p?.patient?.fullName ? p : undefined;
    }, 'the procedure scheduled in RIS with the demographics');
    expect(procedure).toMatchObject({
      patientId: patient.id,
      modality: 'CT',
      stationAeTitle: 'CT_SOMATOM',
      patient: {
        patientCode: patient.patientCode,
        fullName: 'Trần Văn Nam',
        birthDate: '1962-07-04',
        sex: 'male',
      },
    });
    await orderIs(hisApi, order.id, 'scheduled', procedure.accessionNumber);

    // The modality performs it (the test stands in for the archive gateway).
    const mpps = {
      mppsInstanceUid: `1.2.826.0.1.3680043.8.498.${Date.now()}`,
      accessionNumber: procedure.accessionNumber,
      scheduledStepId: procedure.scheduledStepId,
      requestedProcedureId: procedure.requestedProcedureId,
      studyInstanceUid: procedure.studyInstanceUid,
      modality: 'CT',
      stationAeTitle: 'CT_SOMATOM',
      patientId: patient.patientCode,
      startedAt: timestampFromDate(new Date()),
    };
    await publishAs(his, 'image-archive-gateway', Topics.PacsMpps, MppsReportedSchema, {
      ...mpps,
      status: MppsStatus.IN_PROGRESS,
    });
    await orderIs(hisApi, order.id, 'in-progress');
    await publishAs(his, 'image-archive-gateway', Topics.PacsMpps, MppsReportedSchema, {
      ...mpps,
      status: MppsStatus.COMPLETED,
      endedAt: timestampFromDate(new Date()),
    });
    await orderIs(hisApi, order.id, 'performed');
    await publishAs(his, 'image-archive-gateway', Topics.PacsStudy, StudyReceivedSchema, {
      studyInstanceUid: procedure.studyInstanceUid,
      accessionNumber: procedure.accessionNumber,
      patientId: patient.id,
      orderId: order.id,
      modalities: ['CT'],
      seriesCount: 3,
      instanceCount: 420,
      receivedAt: timestampFromDate(new Date()),
    });
    await eventually(async () => {
      const p = (await risApi('GET', `/procedures/${procedure.id}`)).body;
      return p.study?.instanceCount === 420 ? p : undefined;
    }, 'the study noted in RIS');

    // The radiologist reports and signs.
    const draft = (
      await ok(
        risApi('POST', `/procedures/${procedure.id}/reports`, {
          findings: 'Nhu mô não không thấy tổn thương khu trú.',
          impression: 'Chưa phát hiện bất thường trên CT sọ não.',
        }),
      )
    ).body;
    await ok(risApi('POST', `/reports/${draft.id}/finalize`, { version: draft.version }));
    await orderIs(hisApi, order.id, 'completed');
    const entry = await eventually(
      async () => {
        const t = (await hisApi('GET', `/patients/${patient.id}/timeline?kinds=imaging-report`)).body;
        return t.length ? t[0] : undefined;
      },
      'the report on the HIS timeline',
      60_000,
    );
    expect(entry).toMatchObject({
      encounterId: encounter.id,
      summary: 'Report: Chưa phát hiện bất thường trên CT sọ não.',
    });
    expect(entry.detail).toMatchObject({
      orderId: order.id,
      procedureId: procedure.id,
      accessionNumber: procedure.accessionNumber,
      radiologistId: 'bs-minh',
      amended: false,
    });

    // The second order, cancelled in HIS, leaves RIS's worklist.
    await eventually(async () => {
      const [p] = (await risApi('GET', `/procedures?orderId=${toCancel.id}&status=scheduled`)).body;
      return p;
    }, 'the second procedure scheduled');
    await ok(hisApi('POST', `/orders/${toCancel.id}/cancel`, { reason: 'bệnh nhân từ chối' }));
    const cancelled = await eventually(async () => {
      const [p] = (await risApi('GET', `/procedures?orderId=${toCancel.id}&status=cancelled`)).body;
      return p;
    }, 'the second procedure cancelled in RIS');
    expect(cancelled.cancelReason).toBe('bệnh nhân từ chối');

    // And the other way: RIS withdraws a procedure (the scanner is down); HIS cancels the order and reverses
    // its charge, with RIS's reason.
    const [third] = (
      await ok(
        hisApi('POST', `/encounters/${encounter.id}/orders`, {
          orders: [{ serviceCode: order.serviceCode }],
        }),
      )
    ).body;
    const scheduled = await eventually(async () => {
      const [p] = (await risApi('GET', `/procedures?orderId=${third.id}&status=scheduled`)).body;
      return p;
    }, 'the third procedure scheduled');
    await ok(
      risApi('POST', `/procedures/${scheduled.id}/cancel`, {
        reason: 'máy CT hỏng',
        version: scheduled.version,
      }),
    );
    await orderIs(hisApi, third.id, 'cancelled');
    expect((await hisApi('GET', `/orders/${third.id}`)).body.cancelReason).toBe('radiology: máy CT hỏng');
    const lines = (await hisApi('GET', `/encounters/${encounter.id}/charges`)).body.lines as Array<{
      sourceId: string;
      reverses: string | null;
    }>;
    expect(lines.filter((l) => l.sourceId === third.id && l.reverses)).toHaveLength(1);
  }, 180_000);
});

async function orderIs(api: JsonApi, orderId: string, status: string, accession?: string): Promise<void> {
  const o = await eventually(
    async () => {
      const b = (await api('GET', `/orders/${orderId}`)).body;
      return b.status === status ? b : undefined;
    },
    `HIS order ${orderId} ${status}`,
    60_000,
  );
  if (accession) expect(o.accessionNumber).toBe(accession);
}

async function ok(p: ReturnType<JsonApi>): Promise<Awaited<ReturnType<JsonApi>>> {
  const r = await p;
  if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

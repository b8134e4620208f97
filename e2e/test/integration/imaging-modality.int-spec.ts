import { bootService, type BootedService, eventually, jsonApi, type JsonApi } from '@hosp/service-testing';
import { rmSync } from 'node:fs';
import { AppModule as HisModule } from '../../../services/his/src/app.module';
import { serviceDefinition as hisDefinition } from '../../../services/his/src/service.definition';
import {
  addPeer,
  type Archive,
  bootArchive,
  dcmsend,
  findscu,
  modified,
  mppsScu,
  sample,
  scratch,
  val,
} from '../../../services/image-archive-gateway/test/integration/support/archive-fixture';
import { AppModule as RisModule } from '../../../services/radiology-orders/src/app.module';
import { serviceDefinition as risDefinition } from '../../../services/radiology-orders/src/service.definition';

/**
 * ARCHITECTURE flow 3 (IHE SWF.b) with the modality played by independent DICOM tools: a head CT ordered in
 * HIS -> RIS schedules it -> the archive serves it in the Modality Worklist, found by DCMTK's `findscu -W` ->
 * python3-odil reports MPPS in progress and completed -> `dcmsend` stores the images, written with the
 * worklist's attributes -> the archive links the study to the order by accession -> the radiologist's signed
 * report reaches the HIS timeline and the order is completed.
 */
describe('end to end: modality worklist, MPPS and images from an order in HIS to the report', () => {
  let his: BootedService;
  let ris: BootedService;
  let archive: Archive;
  let dir: string;

  beforeAll(async () => {
    his = await bootService(HisModule, hisDefinition);
    ris = await bootService(RisModule, risDefinition, { sameTopicsAs: his });
    archive = await bootArchive({ STUDY_QUIET_MS: '60000' }, { sameTopicsAs: his });
    dir = scratch('modality-');
  }, 180_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const s of [archive, ris, his]) await s?.close();
  }, 60_000);

  it('goes from the order to the worklist, MPPS, stored images, a linked study and the signed report', async () => {
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
        items: [{ aeTitle: 'CT01', name: 'CT 128 lát', modality: 'CT', departmentCode: 'CDHA' }],
      }),
    );
    await addPeer(archive, 'CT01', { host: '127.0.0.1' });

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
    const [order] = (
      await ok(
        hisApi('POST', `/encounters/${encounter.id}/orders`, { orders: [{ serviceCode: 'CDHA-CT-SN' }] }),
      )
    ).body;

    // The modality asks the worklist (C-FIND, DCMTK findscu -W) for its station.
    const item = await eventually(async () => {
      const { responses } = await findscu(archive, 'CT01', '-W', worklistQuery(patient.patientCode));
      return responses[0];
    }, 'the order in the modality worklist');
    const accession = String(val(item, '00080050'));
    const studyUid = String(val(item, '0020000D'));
    const step = item['00400100'].Value![0] as Record<string, { Value?: unknown[] }>;
    expect(val(item, '00100010')).toBe('Trần^Văn Nam');
    expect(val(step, '00400001')).toBe('CT01');
    const stepId = String(val(step, '00400009'));
    const requestedId = String(val(item, '00401001'));
    await eventually(
      async () =>
        (await hisApi('GET', `/orders/${order.id}`)).body.accessionNumber === accession ? true : undefined,
      'HIS order has the accession',
    );

    // MPPS in progress (python3-odil's N-CREATE).
    const mppsUid = `${studyUid}.9`;
    const scheduled = {
      AccessionNumber: accession,
      ScheduledProcedureStepID: stepId,
      RequestedProcedureID: requestedId,
      StudyInstanceUID: studyUid,
    };
    expect(
      await mppsScu(archive, 'CT01', [
        {
          op: 'create',
          uid: mppsUid,
          dataset: {
            SpecificCharacterSet: 'ISO_IR 192',
            PatientName: 'Trần^Văn Nam',
            PatientID: patient.patientCode,
            PatientBirthDate: '19620704',
            PatientSex: 'M',
            Modality: 'CT',
            PerformedStationAETitle: 'CT01',
            PerformedProcedureStepID: 'PPS1',
            PerformedProcedureStepStartDate: '20261122',
            PerformedProcedureStepStartTime: '081500',
            PerformedProcedureStepStatus: 'IN PROGRESS',
            ScheduledStepAttributesSequence: [scheduled],
            PerformedSeriesSequence: [],
          },
        },
      ]),
    ).toEqual([{ op: 'create', status: 0 }]);
    await orderIs(hisApi, order.id, 'in-progress');

    // The images, written with the worklist's attributes, stored with DCMTK's dcmsend.
    const attrs = {
      '(0020,000D)': studyUid,
      '(0008,0050)': accession,
      '(0010,0010)': 'TRAN^VAN NAM',
      '(0010,0020)': patient.patientCode,
      '(0010,0030)': '19620704',
      '(0010,0040)': 'M',
      '(0020,000E)': `${studyUid}.1`,
    };
    const files = await Promise.all(
      [1, 2].map((n) =>
        modified(sample('CT_small.dcm'), dir, `ct-${n}.dcm`, {
          ...attrs,
          '(0008,0018)': `${studyUid}.1.${n}`,
        }),
      ),
    );
    expect((await dcmsend(archive, 'CT01', files)).code).toBe(0);
    // MPPS completed (N-SET) with the two images.
    expect(
      await mppsScu(archive, 'CT01', [
        {
          op: 'set',
          uid: mppsUid,
          dataset: {
            PerformedProcedureStepStatus: 'COMPLETED',
            PerformedProcedureStepEndDate: '20261122',
            PerformedProcedureStepEndTime: '082000',
            PerformedSeriesSequence: [
              {
                SeriesInstanceUID: `${studyUid}.1`,
                Modality: 'CT',
                ReferencedImageSequence: [1, 2].map((n) => ({
                  ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
                  ReferencedSOPInstanceUID: `${studyUid}.1.${n}`,
                })),
              },
            ],
          },
        },
      ]),
    ).toEqual([{ op: 'set', status: 0 }]);
    await orderIs(hisApi, order.id, 'performed');

    // The study is linked to the procedure in RIS (by accession, in the archive).
    const procedure = await eventually(async () => {
      const [p] = (await risApi('GET', `/procedures?orderId=${order.id}`)).body;
      return p?.study?.studyInstanceUid === studyUid && p.study.instanceCount === 2 ? p : undefined;
    }, 'the study linked to the order');

    // The radiologist signs the report; HIS shows it and completes the order.
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
    const report = await eventually(async () => {
      const t = (await hisApi('GET', `/patients/${patient.id}/timeline?kinds=imaging-report`)).body;
      return t[0];
    }, 'the report on the HIS timeline');
    expect(report).toMatchObject({
      encounterId: encounter.id,
      summary: 'Report: Chưa phát hiện bất thường trên CT sọ não.',
    });
    expect(report.detail).toMatchObject({ accessionNumber: accession, orderId: order.id });
  }, 180_000);
});

function worklistQuery(patientId: string): string {
  return `
(0008,0005) CS [ISO_IR 192]
(0008,0050) SH []
(0010,0010) PN []
(0010,0020) LO [${patientId}]
(0010,0030) DA []
(0010,0040) CS []
(0020,000d) UI []
(0040,1001) SH []
(0040,0100) SQ
(fffe,e000) -
(0008,0060) CS [CT]
(0040,0001) AE [CT01]
(0040,0002) DA []
(0040,0009) SH []
(fffe,e00d) -
(fffe,e0dd) -
`;
}

async function ok(p: ReturnType<JsonApi>): Promise<Awaited<ReturnType<JsonApi>>> {
  const r = await p;
  if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

async function orderIs(api: JsonApi, orderId: string, status: string): Promise<void> {
  await eventually(
    async () => ((await api('GET', `/orders/${orderId}`)).body.status === status ? true : undefined),
    `HIS order ${status}`,
    60_000,
  );
}

import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { MppsReportedSchema, MppsStatus, ProcedureScheduledSchema, Sex, Topics } from '@hosp/contracts';
import {
  addPeer,
  type Archive,
  bootArchive,
  eventually,
  findscu,
  mppsScu,
  publishAs,
  readEvents,
  val,
} from './support/archive-fixture';

const MPPS_UID = '1.2.826.0.1.3680043.10.543.77.1';

/**
 * MPPS (IHE SWF RAD-6/RAD-7) from python3-odil, a DICOM stack the archive does not share code with: N-CREATE
 * IN PROGRESS and N-SET COMPLETED are stored, emitted as MppsReported on pacs.mpps.v1 and move the worklist
 * step; protocol errors get PS3.4 F.7 statuses.
 */
describe('archive: MPPS N-CREATE / N-SET', () => {
  let archive: Archive;

  beforeAll(async () => {
    archive = await bootArchive();
    await addPeer(archive, 'CT01', { host: '127.0.0.1' });
    await publishAs(archive, 'radiology-orders', Topics.RisProcedure, ProcedureScheduledSchema, {
      procedureId: 'proc-mpps-1',
      orderId: 'order-mpps-1',
      patientId: 'pat-mpps-1',
      accessionNumber: 'CT261122101',
      requestedProcedureId: 'RP101',
      scheduledStepId: 'SPS101',
      modality: 'CT',
      stationAeTitle: 'CT01',
      scheduledStart: timestampFromDate(new Date()),
      description: 'Chụp CT ngực',
      patientCode: 'BN240101',
      patientName: 'Hoàng Thị Mai',
      birthDate: '1975-03-02',
      sex: Sex.FEMALE,
      studyInstanceUid: '1.2.826.0.1.3680043.10.543.101',
    });
    await eventually(async () => {
      const r = await archive.call('GET', '/worklist?accessionNumber=CT261122101');
      return r.body.length ? r.body : undefined;
    }, 'the scheduled step');
  }, 120_000);
  afterAll(() => archive?.close());

  const created = {
    SpecificCharacterSet: 'ISO_IR 192',
    PatientName: 'Hoàng^Thị Mai',
    PatientID: 'BN240101',
    PatientBirthDate: '19750302',
    PatientSex: 'F',
    Modality: 'CT',
    PerformedStationAETitle: 'CT01',
    PerformedProcedureStepID: 'PPS101',
    PerformedProcedureStepStartDate: '20261122',
    PerformedProcedureStepStartTime: '081500',
    PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepDescription: 'Chụp CT ngực',
    ScheduledStepAttributesSequence: [
      {
        AccessionNumber: 'CT261122101',
        ScheduledProcedureStepID: 'SPS101',
        RequestedProcedureID: 'RP101',
        StudyInstanceUID: '1.2.826.0.1.3680043.10.543.101',
      },
    ],
    PerformedSeriesSequence: [],
  };

  it('stores N-CREATE IN PROGRESS, emits it and shows the step as started in the worklist', async () => {
    expect(await mppsScu(archive, 'CT01', [{ op: 'create', uid: MPPS_UID, dataset: created }])).toEqual([
      { op: 'create', status: 0 },
    ]);
    const stored = (await archive.call('GET', `/mpps/${MPPS_UID}`)).body;
    expect(stored).toMatchObject({
      status: 'IN PROGRESS',
      callingAe: 'CT01',
      accessionNumber: 'CT261122101',
      scheduledStepId: 'SPS101',
      procedureId: 'proc-mpps-1',
      patientId: 'BN240101',
    });
    expect(stored.attributes['00100010'].Value[0].Alphabetic).toBe('Hoàng^Thị Mai');
    expect(new Date(stored.startedAt).toISOString()).toBe('2026-11-22T01:15:00.000Z'); // 08:15 in Hanoi

    const events = await readEvents(archive, Topics.PacsMpps, (es) => es.length >= 1);
    expect(events[0].key).toBe(MPPS_UID);
    expect(fromBinary(MppsReportedSchema, events[0].value)).toMatchObject({
      mppsInstanceUid: MPPS_UID,
      status: MppsStatus.IN_PROGRESS,
      accessionNumber: 'CT261122101',
      scheduledStepId: 'SPS101',
      requestedProcedureId: 'RP101',
      studyInstanceUid: '1.2.826.0.1.3680043.10.543.101',
      modality: 'CT',
      stationAeTitle: 'CT01',
      patientId: 'BN240101',
    });

    const [step] = (await archive.call('GET', '/worklist?accessionNumber=CT261122101')).body;
    expect(step.status).toBe('in_progress');
    const { responses } = await findscu(
      archive,
      'CT01',
      '-W',
      `(0008,0005) CS [ISO_IR 192]\n(0008,0050) SH [CT261122101]\n(0040,0100) SQ\n(fffe,e000) -\n(0040,0020) CS []\n(fffe,e00d) -\n(fffe,e0dd) -\n`,
    );
    const sps = responses[0]['00400100'].Value![0] as Record<string, { Value?: unknown[] }>;
    expect(val(sps, '00400020')).toBe('STARTED');
  });

  it('refuses a second N-CREATE of the same instance (0x0111) and an N-CREATE not IN PROGRESS (0x0106)', async () => {
    const r = await mppsScu(archive, 'CT01', [
      { op: 'create', uid: MPPS_UID, dataset: created },
      {
        op: 'create',
        uid: `${MPPS_UID}.9`,
        dataset: { ...created, PerformedProcedureStepStatus: 'COMPLETED' },
      },
    ]);
    expect(r.map((x) => x.status)).toEqual([0x0111, 0x0106]);
  });

  it('completes the step with N-SET, emits COMPLETED with the instance count, and takes it off the worklist', async () => {
    const image = (n: number) => ({
      ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      ReferencedSOPInstanceUID: `1.2.826.0.1.3680043.10.543.101.1.${n}`,
    });
    const r = await mppsScu(archive, 'CT01', [
      {
        op: 'set',
        uid: MPPS_UID,
        dataset: {
          PerformedProcedureStepStatus: 'COMPLETED',
          PerformedProcedureStepEndDate: '20261122',
          PerformedProcedureStepEndTime: '082930',
          PerformedSeriesSequence: [
            {
              SeriesInstanceUID: '1.2.826.0.1.3680043.10.543.101.1',
              Modality: 'CT',
              ReferencedImageSequence: [image(1), image(2), image(3)],
            },
          ],
        },
      },
    ]);
    expect(r).toEqual([{ op: 'set', status: 0 }]);
    const events = await readEvents(archive, Topics.PacsMpps, (es) => es.length >= 2);
    const done = fromBinary(MppsReportedSchema, events[1].value);
    expect(events[1].key).toBe(MPPS_UID);
    expect(done).toMatchObject({
      status: MppsStatus.COMPLETED,
      instanceCount: 3,
      accessionNumber: 'CT261122101',
    });
    expect(timestampDate(done.endedAt!).toISOString()).toBe('2026-11-22T01:29:30.000Z');
    // N-SET kept what N-CREATE said and added to it.
    const stored = (await archive.call('GET', `/mpps/${MPPS_UID}`)).body;
    expect(stored.attributes['00400253'].Value).toEqual(['PPS101']);
    expect(stored.status).toBe('COMPLETED');
    const [step] = (await archive.call('GET', '/worklist?accessionNumber=CT261122101')).body;
    expect(step.status).toBe('completed');
    const { responses } = await findscu(
      archive,
      'CT01',
      '-W',
      `(0008,0005) CS [ISO_IR 192]\n(0008,0050) SH [CT261122101]\n`,
    );
    expect(responses).toHaveLength(0);
  });

  it('refuses N-SET of a completed step (0x0110) and of an unknown one (0x0112)', async () => {
    const r = await mppsScu(archive, 'CT01', [
      { op: 'set', uid: MPPS_UID, dataset: { PerformedProcedureStepStatus: 'DISCONTINUED' } },
      { op: 'set', uid: '1.2.3.4.5.6.7', dataset: { PerformedProcedureStepStatus: 'COMPLETED' } },
    ]);
    expect(r.map((x) => x.status)).toEqual([0x0110, 0x0112]);
  });

  it('accepts an unscheduled procedure step (no worklist item) and reports it', async () => {
    const uid = `${MPPS_UID}.2`;
    const r = await mppsScu(archive, 'CT01', [
      {
        op: 'create',
        uid,
        dataset: {
          ...created,
          PatientName: 'CẤP CỨU^KHÔNG TÊN',
          PatientID: 'TMP-0001',
          ScheduledStepAttributesSequence: [
            { AccessionNumber: '', StudyInstanceUID: '1.2.826.0.1.3680043.10.543.999' },
          ],
        },
      },
      { op: 'set', uid, dataset: { PerformedProcedureStepStatus: 'DISCONTINUED' } },
    ]);
    expect(r.map((x) => x.status)).toEqual([0, 0]);
    const stored = (await archive.call('GET', `/mpps/${uid}`)).body;
    expect(stored).toMatchObject({ status: 'DISCONTINUED', procedureId: null, accessionNumber: null });
    const events = await readEvents(archive, Topics.PacsMpps, (es) => es.length >= 4);
    expect(
      events.filter((e) => e.key === uid).map((e) => fromBinary(MppsReportedSchema, e.value).status),
    ).toEqual([MppsStatus.IN_PROGRESS, MppsStatus.DISCONTINUED]);
  });
});

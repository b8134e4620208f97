import { rmSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ProcedureScheduledSchema, Sex, StudyHeldSchema, StudyReceivedSchema, Topics } from '@hosp/contracts';
import {
  addPeer,
  type Archive,
  bootArchive,
  dcmsend,
  eventually,
  modified,
  publishAs,
  readEvents,
  type ReadEvent,
  sample,
  scratch,
} from './support/archive-fixture';

const ROOT = '1.2.826.0.1.3680043.10.543.300';

const received = (events: ReadEvent[], study: string) =>
  events
    .filter((e) => e.type === StudyReceivedSchema.typeName)
    .map((e) => fromBinary(StudyReceivedSchema, e.value))
    .filter((e) => e.studyInstanceUid === study);
const held = (events: ReadEvent[], study: string) =>
  events
    .filter((e) => e.type === StudyHeldSchema.typeName)
    .map((e) => fromBinary(StudyHeldSchema, e.value))
    .filter((e) => e.studyInstanceUid === study);

/**
 * Study-to-order reconciliation by accession number (IHE SWF) and the study events on pacs.study.v1: images
 * from dcmsend, edited with dcmodify the way a modality writes them; procedures from RIS's events.
 */
describe('archive: reconciliation and study events', () => {
  let archive: Archive;
  let dir: string;

  const schedule = (n: number, accession: string, over: Record<string, unknown> = {}) =>
    publishAs(archive, 'radiology-orders', Topics.RisProcedure, ProcedureScheduledSchema, {
      procedureId: `proc-${n}`,
      orderId: `order-${n}`,
      patientId: `pat-${n}`,
      accessionNumber: accession,
      requestedProcedureId: `RP${n}`,
      scheduledStepId: `SPS${n}`,
      modality: 'CT',
      stationAeTitle: 'CT01',
      scheduledStart: timestampFromDate(new Date()),
      description: 'Chụp CT bụng',
      patientCode: `BN2403${n}`,
      patientName: 'Nguyễn Văn Bình',
      birthDate: '1970-01-01',
      sex: Sex.MALE,
      studyInstanceUid: `${ROOT}.${n}`,
      ...over,
    });

  /** Three instances in two series (CT, MR) of one study, with these patient and order attributes. */
  const study = async (tag: string, attrs: Record<string, string>) => {
    const uid = attrs['(0020,000D)'];
    return Promise.all([
      modified(sample('CT_small.dcm'), dir, `${tag}-1.dcm`, {
        ...attrs,
        '(0020,000E)': `${uid}.1`,
        '(0008,0018)': `${uid}.1.1`,
      }),
      modified(sample('CT_small.dcm'), dir, `${tag}-2.dcm`, {
        ...attrs,
        '(0020,000E)': `${uid}.1`,
        '(0008,0018)': `${uid}.1.2`,
      }),
      modified(sample('MR_small_RLE.dcm'), dir, `${tag}-3.dcm`, {
        ...attrs,
        '(0020,000E)': `${uid}.2`,
        '(0008,0018)': `${uid}.2.1`,
      }),
    ]);
  };
  const demographics = (n: number, accession: string, over: Record<string, string> = {}) => ({
    '(0020,000D)': `${ROOT}.${n}`,
    '(0008,0050)': accession,
    '(0010,0010)': 'NGUYEN^VAN BINH', // typed on a modality without Vietnamese input
    '(0010,0020)': `BN2403${n}`,
    '(0010,0030)': '19700101',
    '(0010,0040)': 'M',
    ...over,
  });

  beforeAll(async () => {
    archive = await bootArchive({ STUDY_QUIET_MS: '60000' });
    await addPeer(archive, 'CT01', { host: '127.0.0.1' });
    dir = scratch('studies-');
    await schedule(1, 'CT2611220301');
    await schedule(3, 'CT2611220303', { patientName: 'Trần Văn Cường', birthDate: '1985' });
    await eventually(async () => {
      const r = await archive.call('GET', '/worklist');
      return r.body.length === 2 ? r.body : undefined;
    }, 'the worklist');
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await archive?.close();
  });

  it('links a study to its order by accession number and announces it once, when the association is released', async () => {
    const files = await study('s1', demographics(1, 'CT2611220301'));
    expect((await dcmsend(archive, 'CT01', files)).code).toBe(0);
    const events = await readEvents(archive, Topics.PacsStudy, (es) => received(es, `${ROOT}.1`).length >= 1);
    const [e] = received(events, `${ROOT}.1`);
    expect(e).toMatchObject({
      accessionNumber: 'CT2611220301',
      patientId: 'pat-1', // the platform's patient, not the DICOM Patient ID
      orderId: 'order-1',
      modalities: ['CT', 'MR'],
      seriesCount: 2,
      instanceCount: 3,
    });
    const key = events.find((x) => x.type === StudyReceivedSchema.typeName)!.key;
    expect(key).toBe('pat-1');
    const row = (await archive.call('GET', `/studies/${ROOT}.1`)).body;
    expect(row).toMatchObject({ reconciliation: 'reconciled', procedureId: 'proc-1', orderId: 'order-1' });
  });

  it('announces a linked study again, with its new counts, when more instances arrive', async () => {
    const uid = `${ROOT}.1`;
    const more = await modified(sample('CT_small.dcm'), dir, 's1-4.dcm', {
      ...demographics(1, 'CT2611220301'),
      '(0020,000E)': `${uid}.3`,
      '(0008,0018)': `${uid}.3.1`,
    });
    expect((await dcmsend(archive, 'CT01', [more])).code).toBe(0);
    const events = await readEvents(archive, Topics.PacsStudy, (es) => received(es, uid).length >= 2);
    // The first three instances were announced once (the second announcement has all four).
    expect(received(events, uid)[1]).toMatchObject({ seriesCount: 3, instanceCount: 4, orderId: 'order-1' });
  });

  it('holds a study whose accession number is not scheduled, then links it when RIS schedules it', async () => {
    const uid = `${ROOT}.2`;
    expect((await dcmsend(archive, 'CT01', await study('s2', demographics(2, 'CT2611220302')))).code).toBe(0);
    let events = await readEvents(archive, Topics.PacsStudy, (es) => held(es, uid).length >= 1);
    expect(held(events, uid)[0]).toMatchObject({
      accessionNumber: 'CT2611220302',
      patientId: 'BN24032', // the DICOM Patient ID: no platform patient is known
      reasons: ['no scheduled procedure with accession CT2611220302'],
    });
    const list = (await archive.call('GET', '/held-studies')).body;
    expect(list.map((s: { studyInstanceUid: string }) => s.studyInstanceUid)).toContain(uid);

    await schedule(2, 'CT2611220302');
    events = await readEvents(archive, Topics.PacsStudy, (es) => received(es, uid).length >= 1);
    expect(received(events, uid)[0]).toMatchObject({
      orderId: 'order-2',
      patientId: 'pat-2',
      instanceCount: 3,
    });
    expect((await archive.call('GET', `/studies/${uid}`)).body.reconciliation).toBe('reconciled');
  });

  it('holds a study whose demographics disagree with the order, with every reason, until a person resolves it', async () => {
    const uid = `${ROOT}.3`;
    const files = await study(
      's3',
      demographics(3, 'CT2611220303', {
        '(0010,0010)': 'TRAN^VAN CUONG',
        '(0010,0020)': 'BN9999',
        '(0010,0030)': '19860101',
        '(0010,0040)': 'F',
      }),
    );
    expect((await dcmsend(archive, 'CT01', files)).code).toBe(0);
    const events = await readEvents(archive, Topics.PacsStudy, (es) => held(es, uid).length >= 1);
    expect(held(events, uid)[0].reasons).toEqual([
      'PatientID BN9999 vs BN24033',
      'PatientBirthDate 19860101 vs 1985',
      'PatientSex F vs M',
    ]);

    const noActor = await archive.call(
      'POST',
      `/held-studies/${uid}/resolve`,
      { procedureId: 'proc-3', reason: 'x' },
      {
        'x-actor-id': '',
      },
    );
    expect(noActor.status).toBe(400);
    const unknown = await archive.call('POST', `/held-studies/${uid}/resolve`, {
      procedureId: 'nope',
      reason: 'x',
    });
    expect(unknown.status).toBe(400);
    const r = await archive.call('POST', `/held-studies/${uid}/resolve`, {
      procedureId: 'proc-3',
      reason: 'Kỹ thuật viên nhập sai mã bệnh nhân trên máy CT; đã đối chiếu phiếu chỉ định',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      reconciliation: 'resolved',
      procedureId: 'proc-3',
      orderId: 'order-3',
      resolvedBy: 'ktv-hung',
      resolvedReason: 'Kỹ thuật viên nhập sai mã bệnh nhân trên máy CT; đã đối chiếu phiếu chỉ định',
      heldReasons: [],
    });
    const after = await readEvents(archive, Topics.PacsStudy, (es) => received(es, uid).length >= 1);
    expect(received(after, uid)[0]).toMatchObject({
      orderId: 'order-3',
      patientId: 'pat-3',
      instanceCount: 3,
    });
    expect(
      (await archive.call('POST', `/held-studies/${uid}/resolve`, { procedureId: 'proc-3', reason: 'again' }))
        .status,
    ).toBe(409);
    expect(
      (await archive.call('GET', '/held-studies')).body.map(
        (s: { studyInstanceUid: string }) => s.studyInstanceUid,
      ),
    ).not.toContain(uid);
  });

  it('holds a study without an accession number', async () => {
    const uid = `${ROOT}.4`;
    const files = await study('s4', { ...demographics(4, ''), '(0008,0050)': '' });
    expect((await dcmsend(archive, 'CT01', files)).code).toBe(0);
    const events = await readEvents(archive, Topics.PacsStudy, (es) => held(es, uid).length >= 1);
    expect(held(events, uid)[0].reasons).toEqual(['no Accession Number (0008,0050) in the study']);
  });
});

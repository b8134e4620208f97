import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readFileMeta } from '@hosp/standards-dicom';
import { freePortBlock } from '@hosp/testing';
import {
  addPeer,
  type Archive,
  ARCHIVE_AE,
  bootArchive,
  datasetOf,
  dcmsend,
  findscu,
  PYDICOM,
  sample,
  scratch,
  startProcess,
  stopProcess,
  tool,
  val,
} from './support/archive-fixture';

const TREE = ['77654033', '98892001', '98892003'].map((d) => join(PYDICOM, 'dicomdirtests', d));
const STUDY_MR = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.1'; // 3 series, 11 instances
const SERIES_MR = '1.3.6.1.4.1.5962.1.1.0.0.0.1196533885.18148.0.17'; // 3 instances
const JLS = sample('MR_small_jpeg_ls_lossless.dcm');
const JLS_STUDY = readFileMeta(readFileSync(JLS)).meta.mediaStorageSopInstanceUid;

/**
 * Query/Retrieve SCP against DCMTK's findscu, movescu (to storescp, and to itself) and getscu, over pydicom's
 * two-patient DICOMDIR test tree (31 instances, 6 studies) sent with dcmsend.
 */
describe('archive: query/retrieve C-FIND, C-MOVE, C-GET', () => {
  let archive: Archive;
  let storescp: ChildProcess;
  let destPort: number;
  let destDir: string;
  let jlsStudy: string;

  beforeAll(async () => {
    archive = await bootArchive();
    await addPeer(archive, 'MODALITY', { host: '127.0.0.1' });
    await addPeer(archive, 'WORKSTATION', { host: '127.0.0.1' });
    destPort = await freePortBlock(1);
    destDir = scratch('movedest-');
    await addPeer(archive, 'MOVEDEST', { host: '127.0.0.1', port: destPort });
    storescp = await startProcess(
      'storescp',
      ['-aet', 'MOVEDEST', '+B', '+xa', '-od', destDir, String(destPort)],
      {
        port: destPort,
      },
    );
    expect(
      (
        await tool('dcmsend', [
          '-aet',
          'MODALITY',
          '-aec',
          ARCHIVE_AE,
          '+sd',
          '+r',
          '127.0.0.1',
          String(archive.dicomPort),
          ...TREE,
        ])
      ).code,
    ).toBe(0);
    expect((await dcmsend(archive, 'MODALITY', [JLS])).code).toBe(0);
    jlsStudy = (await archive.call('GET', `/instances/${JLS_STUDY}`)).body.studyInstanceUid;
  }, 120_000);
  afterAll(async () => {
    await stopProcess(storescp);
    rmSync(destDir, { recursive: true, force: true });
    await archive?.close();
  });

  it('C-FIND PATIENT level (patient root): both patients with their numbers of studies and instances', async () => {
    const { result, responses } = await findscu(
      archive,
      'WORKSTATION',
      '-P',
      `(0008,0052) CS [PATIENT]\n(0010,0010) PN []\n(0010,0020) LO [*]\n(0020,1200) IS []\n(0020,1204) IS []\n`,
    );
    expect(result.code).toBe(0);
    const byId = Object.fromEntries(responses.map((r) => [val(r, '00100020'), r]));
    expect(val(byId['77654033'], '00201200')).toBe(2);
    expect(val(byId['77654033'], '00201204')).toBe(7);
    expect(val(byId['98890234'], '00201200')).toBe(4);
    expect(val(byId['98890234'], '00201204')).toBe(24);
    expect(val(byId['77654033'], '00080052')).toBe('PATIENT');
  });

  it('C-FIND STUDY level (study root) by patient, with date range and computed attributes', async () => {
    const { responses } = await findscu(
      archive,
      'WORKSTATION',
      '-S',
      `(0008,0052) CS [STUDY]\n(0010,0020) LO [98890234]\n(0020,000d) UI []\n(0008,0020) DA [20030101-20031231]\n(0008,0061) CS []\n(0020,1206) IS []\n(0020,1208) IS []\n(0008,0054) AE []\n`,
    );
    const mr = responses.find((r) => val(r, '0020000D') === STUDY_MR)!;
    expect(val(mr, '00080061')).toBe('MR');
    expect(val(mr, '00201206')).toBe(3);
    expect(val(mr, '00201208')).toBe(11);
    expect(val(mr, '00080054')).toBe(ARCHIVE_AE);
    expect(responses.every((r) => String(val(r, '00080020')).startsWith('2003'))).toBe(true);
  });

  it('C-FIND SERIES and IMAGE levels within a study', async () => {
    const series = await findscu(
      archive,
      'WORKSTATION',
      '-S',
      `(0008,0052) CS [SERIES]\n(0020,000d) UI [${STUDY_MR}]\n(0020,000e) UI []\n(0008,0060) CS []\n(0020,1209) IS []\n`,
    );
    expect(series.responses).toHaveLength(3);
    expect(
      Object.fromEntries(series.responses.map((r) => [val(r, '0020000E'), val(r, '00201209')]))[SERIES_MR],
    ).toBe(3);
    const images = await findscu(
      archive,
      'WORKSTATION',
      '-S',
      `(0008,0052) CS [IMAGE]\n(0020,000d) UI [${STUDY_MR}]\n(0020,000e) UI [${SERIES_MR}]\n(0008,0018) UI []\n(0020,0013) IS []\n(0008,0016) UI []\n`,
    );
    expect(images.responses).toHaveLength(3);
    expect(images.responses.every((r) => val(r, '00080016') === '1.2.840.10008.5.1.4.1.1.4')).toBe(true);
  });

  it('refuses a PATIENT level query in the study root model (0xA900)', async () => {
    const { result } = await findscu(
      archive,
      'WORKSTATION',
      '-S',
      `(0008,0052) CS [PATIENT]\n(0010,0020) LO []\n`,
    );
    expect(result.stdout + result.stderr).toMatch(/DataSetDoesNotMatchSOPClass/i);
  });

  it('C-MOVE a study to storescp: every instance, byte for byte', async () => {
    const r = await tool('movescu', [
      '-v',
      '-S',
      '-aet',
      'WORKSTATION',
      '-aec',
      ARCHIVE_AE,
      '-aem',
      'MOVEDEST',
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      `StudyInstanceUID=${STUDY_MR}`,
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/Received Final Move Response \(Success\)/);
    const files = readdirSync(destDir);
    expect(files).toHaveLength(11);
    for (const f of files) {
      const theirs = readFileSync(join(destDir, f));
      const uid = readFileMeta(theirs).meta.mediaStorageSopInstanceUid;
      const ours = readFileSync((await archive.call('GET', `/instances/${uid}`)).body.file);
      expect(datasetOf(theirs).equals(datasetOf(ours))).toBe(true);
    }
  });

  it('C-MOVE a JPEG-LS image in its own transfer syntax, and to movescu itself as destination', async () => {
    const selfPort = await freePortBlock(1);
    await addPeer(archive, 'SELFMOVE', { host: '127.0.0.1', port: selfPort });
    const out = scratch('selfmove-');
    const r = await tool('movescu', [
      '-S',
      '+xa',
      '-aet',
      'SELFMOVE',
      '-aec',
      ARCHIVE_AE,
      '-aem',
      'SELFMOVE',
      '--port',
      String(selfPort),
      '-od',
      out,
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      `StudyInstanceUID=${jlsStudy}`,
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(r.code).toBe(0);
    const [f] = readdirSync(out);
    const got = readFileSync(join(out, f));
    expect(readFileMeta(got).meta.transferSyntaxUid).toBe('1.2.840.10008.1.2.4.80');
    expect(
      datasetOf(got).equals(
        datasetOf(readFileSync((await archive.call('GET', `/instances/${JLS_STUDY}`)).body.file)),
      ),
    ).toBe(true);
    rmSync(out, { recursive: true, force: true });
  });

  it('refuses a C-MOVE to an unknown destination (0xA801)', async () => {
    const r = await tool('movescu', [
      '-v',
      '-S',
      '-aet',
      'WORKSTATION',
      '-aec',
      ARCHIVE_AE,
      '-aem',
      'NOWHERE',
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      `StudyInstanceUID=${STUDY_MR}`,
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(r.stdout + r.stderr).toMatch(/Refused: MoveDestinationUnknown/);
  });

  it('C-GET a series back on the same association; a compressed object decompressed for a caller that wants it so', async () => {
    const out = scratch('getscu-');
    const r = await tool('getscu', [
      '-v',
      '-S',
      '-aet',
      'WORKSTATION',
      '-aec',
      ARCHIVE_AE,
      '-od',
      out,
      '-k',
      'QueryRetrieveLevel=SERIES',
      '-k',
      `StudyInstanceUID=${STUDY_MR}`,
      '-k',
      `SeriesInstanceUID=${SERIES_MR}`,
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(r.code).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(3);
    for (const f of files) {
      const theirs = readFileSync(join(out, f));
      const ours = readFileSync(
        (await archive.call('GET', `/instances/${readFileMeta(theirs).meta.mediaStorageSopInstanceUid}`)).body
          .file,
      );
      expect(datasetOf(theirs).equals(datasetOf(ours))).toBe(true);
    }
    // getscu accepts uncompressed syntaxes only: the JPEG-LS image arrives decoded, 64x64 16-bit pixels.
    const jls = scratch('getscu-jls-');
    const g = await tool('getscu', [
      '-S',
      '-aet',
      'WORKSTATION',
      '-aec',
      ARCHIVE_AE,
      '-od',
      jls,
      '-k',
      'QueryRetrieveLevel=IMAGE',
      '-k',
      `StudyInstanceUID=${jlsStudy}`,
      '-k',
      `SOPInstanceUID=${JLS_STUDY}`,
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(g.code).toBe(0);
    const [decoded] = readdirSync(jls);
    const dump = await tool('dcmdump', ['+P', '0002,0010', '+P', '7fe0,0010', join(jls, decoded)]);
    expect(dump.stdout).toMatch(/LittleEndianExplicit/);
    expect(dump.stdout).toMatch(/7fe0,0010\) OW .*# 8192,/);
    rmSync(out, { recursive: true, force: true });
    rmSync(jls, { recursive: true, force: true });
  });
});

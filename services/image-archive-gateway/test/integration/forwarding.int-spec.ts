import { readFileSync, rmSync } from 'node:fs';
import { readFileMeta } from '@hosp/standards-dicom';
import { freePortBlock } from '@hosp/testing';
import {
  addPeer,
  type Archive,
  bootArchive,
  datasetOf,
  dcmsend,
  eventually,
  type Orthanc,
  sample,
  scratch,
  startOrthanc,
} from './support/archive-fixture';

const CT = sample('CT_small.dcm');
const JLS = sample('MR_small_jpeg_ls_lossless.dcm');
const uidOf = (f: string) => readFileMeta(readFileSync(f)).meta.mediaStorageSopInstanceUid;

interface ForwardRow {
  id: string;
  destination: string;
  sopInstanceUid: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

/**
 * Forwarding to a downstream PACS: Debian's Orthanc, started by the test on free ports. The queue is durable
 * (filled in the storing transaction), retried while the PACS is down, parked after the last attempt.
 */
describe('archive: forwarding to a downstream PACS (Orthanc)', () => {
  let archive: Archive;
  let orthanc: Orthanc | undefined;
  let late: Orthanc | undefined;
  let lateDir: string;

  const queue = async (destination: string): Promise<ForwardRow[]> =>
    (await archive.call('GET', `/forwarding?destination=${destination}`)).body;
  const orthancInstance = async (o: Orthanc, uid: string) => {
    const found = (await fetch(`${o.http}/tools/find`, {
      method: 'POST',
      body: JSON.stringify({ Level: 'Instance', Query: { SOPInstanceUID: uid } }),
    }).then((r) => r.json())) as string[];
    return found[0];
  };

  beforeAll(async () => {
    archive = await bootArchive({ ARCHIVE_FORWARD_RETRY_BASE_MS: '300', ARCHIVE_FORWARD_MAX_ATTEMPTS: '30' });
    await addPeer(archive, 'CT01', { host: '127.0.0.1' });
    orthanc = await startOrthanc();
    await addPeer(archive, 'ORTHANC', { host: '127.0.0.1', port: orthanc.dicomPort, forward: true });
    lateDir = scratch('orthanc-late-');
  }, 120_000);
  afterAll(async () => {
    await orthanc?.stop();
    await late?.stop();
    rmSync(lateDir, { recursive: true, force: true });
    if (orthanc) rmSync(orthanc.dir, { recursive: true, force: true });
    await archive?.close();
  });

  it('forwards every stored instance to Orthanc by C-STORE; the data set arrives as the archive received it', async () => {
    expect((await dcmsend(archive, 'CT01', [CT, JLS])).code).toBe(0);
    const rows = await eventually(async () => {
      const q = await queue('ORTHANC');
      return q.length === 2 && q.every((r) => r.status === 'sent') ? q : undefined;
    }, 'both instances forwarded');
    expect(rows.map((r) => r.sopInstanceUid).sort()).toEqual([uidOf(CT), uidOf(JLS)].sort());

    for (const f of [CT, JLS]) {
      const id = await orthancInstance(orthanc!, uidOf(f));
      const theirs = Buffer.from(await (await fetch(`${orthanc!.http}/instances/${id}/file`)).arrayBuffer());
      const ours = readFileSync((await archive.call('GET', `/instances/${uidOf(f)}`)).body.file);
      expect(readFileMeta(theirs).meta.transferSyntaxUid).toBe(readFileMeta(ours).meta.transferSyntaxUid);
      expect(datasetOf(theirs).equals(datasetOf(ours))).toBe(true);
    }
  });

  it('keeps instances queued while the PACS is down and delivers them when it comes back', async () => {
    const [http, dicom] = await freePortBlock(2).then((b) => [b, b + 1]);
    await addPeer(archive, 'LATEPACS', { host: '127.0.0.1', port: dicom, forward: true });
    expect((await dcmsend(archive, 'CT01', [sample('SC_rgb_jpeg_dcmtk.dcm')])).code).toBe(0);
    const failing = await eventually(async () => {
      const [row] = await queue('LATEPACS');
      return row && row.attempts >= 2 ? row : undefined;
    }, 'failed attempts recorded');
    expect(failing.status).toBe('queued');
    expect(failing.lastError).toMatch(/not sent|ECONNREFUSED|connect/i);

    late = await startOrthanc({ http, dicom }, lateDir);
    await eventually(
      async () => {
        const [row] = await queue('LATEPACS');
        return row?.status === 'sent' ? row : undefined;
      },
      'delivered after the PACS came back',
      60_000,
    );
    expect(await orthancInstance(late, uidOf(sample('SC_rgb_jpeg_dcmtk.dcm')))).toBeDefined();
  });

  it('parks an instance after the last attempt, and requeues it by hand', async () => {
    // An archive of its own with a budget of two attempts.
    const small = await bootArchive({
      ARCHIVE_FORWARD_RETRY_BASE_MS: '100',
      ARCHIVE_FORWARD_MAX_ATTEMPTS: '2',
    });
    const [http, dicom] = await freePortBlock(2).then((b) => [b, b + 1]);
    const dir = scratch('orthanc-parked-');
    let pacs: Orthanc | undefined;
    try {
      await addPeer(small, 'CT01', { host: '127.0.0.1' });
      await addPeer(small, 'DEADPACS', { host: '127.0.0.1', port: dicom, forward: true });
      expect((await dcmsend(small, 'CT01', [sample('MR_small_RLE.dcm')])).code).toBe(0);
      const list = async () => (await small.call('GET', '/forwarding?status=parked')).body as ForwardRow[];
      const [parked] = await eventually(
        async () => ((await list()).length ? list() : undefined),
        'a parked row',
      );
      expect(parked).toMatchObject({ destination: 'DEADPACS', attempts: 2, status: 'parked' });
      expect((await small.call('POST', '/forwarding/999999/requeue')).status).toBe(404);

      pacs = await startOrthanc({ http, dicom }, dir);
      expect((await small.call('POST', `/forwarding/${parked.id}/requeue`)).body).toEqual({ requeued: 1 });
      await eventually(async () => {
        const [row] = (await small.call('GET', '/forwarding?destination=DEADPACS')).body as ForwardRow[];
        return row.status === 'sent' ? row : undefined;
      }, 'delivered after the requeue');
      expect(await orthancInstance(pacs, uidOf(sample('MR_small_RLE.dcm')))).toBeDefined();
      expect((await small.call('POST', '/forwarding/requeue', { destination: 'DEADPACS' })).body).toEqual({
        requeued: 0,
      });
    } finally {
      await pacs?.stop();
      rmSync(dir, { recursive: true, force: true });
      await small.close();
    }
  });
});

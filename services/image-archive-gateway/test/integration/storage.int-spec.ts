import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildFileMetaHeader, readFileMeta, storeObjects } from '@hosp/standards-dicom';
import { freePortBlock } from '@hosp/testing';
import {
  addPeer,
  type Archive,
  ARCHIVE_AE,
  bootArchive,
  datasetOf,
  sample,
  scratch,
  startProcess,
  stopProcess,
  tool,
} from './support/archive-fixture';

/**
 * pydicom sample files in every transfer syntax the archive takes as proposed, and several SOP classes, with the
 * syntax they travel in: dcmsend proposes a compressed file's own syntax, and explicit little endian first for
 * an uncompressed one; storescu -xi proposes implicit little endian only.
 */
const SAMPLES: Array<[file: string, transferSyntax: string]> = [
  ['CT_small.dcm', '1.2.840.10008.1.2.1'],
  ['MR_small_implicit.dcm', '1.2.840.10008.1.2'],
  ['rtdose.dcm', '1.2.840.10008.1.2'],
  ['image_dfl.dcm', '1.2.840.10008.1.2.1.99'],
  ['SC_rgb_jpeg_dcmtk.dcm', '1.2.840.10008.1.2.4.50'],
  ['JPGExtended.dcm', '1.2.840.10008.1.2.4.51'],
  ['SC_rgb_jpeg_gdcm.dcm', '1.2.840.10008.1.2.4.70'],
  ['MR_small_jpeg_ls_lossless.dcm', '1.2.840.10008.1.2.4.80'],
  ['MR_small_jp2klossless.dcm', '1.2.840.10008.1.2.4.90'],
  ['693_J2KI.dcm', '1.2.840.10008.1.2.4.91'],
  ['MR_small_RLE.dcm', '1.2.840.10008.1.2.5'],
  ['SC_rgb_rle_2frame.dcm', '1.2.840.10008.1.2.5'],
  ['waveform_ecg.dcm', '1.2.840.10008.1.2.1'],
  ['test-SR.dcm', '1.2.840.10008.1.2.1'],
  ['liver_1frame.dcm', '1.2.840.10008.1.2.1'],
  ['../charset_files/chrX1.dcm', '1.2.840.10008.1.2.1'],
];

/**
 * C-STORE SCP against DCMTK's dcmsend (which proposes each file's own transfer syntax). What the archive keeps
 * is compared byte for byte with what DCMTK's storescp in bit-preserving mode (+B) keeps from the same dcmsend:
 * two independent receivers of the same bytes.
 */
describe('archive: C-STORE SCP', () => {
  let archive: Archive;
  let storescp: ChildProcess;
  let reference: string;
  let storescpPort: number;

  beforeAll(async () => {
    archive = await bootArchive();
    await addPeer(archive, 'MODALITY', { host: '127.0.0.1' });
    storescpPort = await freePortBlock(1);
    reference = scratch('storescp-');
    storescp = await startProcess(
      'storescp',
      ['-aet', 'REFERENCE', '+B', '+xa', '-od', reference, String(storescpPort)],
      {
        port: storescpPort,
      },
    );
  }, 120_000);
  afterAll(async () => {
    await stopProcess(storescp);
    rmSync(reference, { recursive: true, force: true });
    await archive?.close();
  });

  const dcmsend = (port: number, called: string, files: string[]) =>
    tool('dcmsend', ['-aet', 'MODALITY', '-aec', called, '127.0.0.1', String(port), ...files]);
  const send = (port: number, called: string, file: string, ts: string) =>
    ts === '1.2.840.10008.1.2'
      ? tool('storescu', ['-xi', '-aet', 'MODALITY', '-aec', called, '127.0.0.1', String(port), file])
      : dcmsend(port, called, [file]);

  it.each(SAMPLES)('stores %s (%s) byte for byte as received, named by its SHA-256', async (file, ts) => {
    const path = sample(file);
    // The data set's SOP Instance UID, as DCMTK reads it (pydicom's rtdose.dcm has another in its meta header).
    const dumped = await tool('dcmdump', ['-q', '+P', '0008,0018', path]);
    const uid = /\[([0-9.]+)\]/.exec(dumped.stdout)![1];
    for (const f of readdirSync(reference)) rmSync(join(reference, f));
    const sent = await send(archive.dicomPort, ARCHIVE_AE, path, ts);
    expect(sent.code).toBe(0);
    expect((await send(storescpPort, 'REFERENCE', path, ts)).code).toBe(0);

    const stored = (await archive.call('GET', `/instances/${uid}`)).body;
    expect(stored.transferSyntaxUid).toBe(ts);
    const ours = readFileSync(stored.file);
    expect(createHash('sha256').update(ours).digest('hex')).toBe(stored.sha256);
    expect(stored.file).toBe(
      join(
        archive.archiveRoot,
        'objects',
        stored.sha256.slice(0, 2),
        stored.sha256.slice(2, 4),
        `${stored.sha256}.dcm`,
      ),
    );
    expect(readFileMeta(ours).meta).toMatchObject({ transferSyntaxUid: ts, mediaStorageSopInstanceUid: uid });
    const theirs = readFileSync(join(reference, readdirSync(reference)[0]));
    expect(readFileMeta(theirs).meta.transferSyntaxUid).toBe(ts);
    expect(datasetOf(ours).equals(datasetOf(theirs))).toBe(true);
    // The header is indexed as DICOM JSON, without bulk data.
    expect(stored.header['00080018'].Value).toEqual([uid]);
    expect(stored.header['7FE00010']).toBeUndefined();
  });

  it('accepts explicit big endian (retired) when it is all the caller proposes, as received', async () => {
    const file = readFileSync(sample('MR_small_bigendian.dcm'));
    const r = await storeObjects(
      { aeTitle: ARCHIVE_AE, host: '127.0.0.1', port: archive.dicomPort },
      [file],
      {
        callingAeTitle: 'MODALITY',
      },
    );
    expect(r.results[0].status).toBe(0);
    const stored = (
      await archive.call('GET', `/instances/${readFileMeta(file).meta.mediaStorageSopInstanceUid}`)
    ).body;
    expect(stored.transferSyntaxUid).toBe('1.2.840.10008.1.2.2');
    expect(datasetOf(readFileSync(stored.file)).equals(datasetOf(file))).toBe(true);
  });

  it('indexes the header with decoded strings (UTF-8 Chinese from ISO_IR 192)', async () => {
    const stored = (await archive.call('GET', '/instances/1.3.6.1.4.1.5962.1.1.0.1.1.1175775771.5711.0'))
      .body;
    expect(stored.header['00100010'].Value[0]).toEqual({
      Alphabetic: 'Wang^XiaoDong',
      Ideographic: '王^小東',
    });
  });

  it('answers a truncated data set with 0xC000, keeps nothing in the index, and keeps serving', async () => {
    const full = readFileSync(sample('MR_small_implicit.dcm'));
    const { meta, datasetOffset } = readFileMeta(full);
    const uid = '1.2.826.0.1.3680043.10.543.666.1';
    // The same object under a new UID, cut in the middle of its pixel data.
    const header = buildFileMetaHeader({ ...meta, mediaStorageSopInstanceUid: uid });
    const dataset = Buffer.from(full.subarray(datasetOffset));
    const old = Buffer.from(meta.mediaStorageSopInstanceUid);
    const at = dataset.indexOf(old);
    const padded = Buffer.from(uid.padEnd(old.length, '\0'));
    expect(padded.length).toBe(old.length);
    padded.copy(dataset, at);
    const truncated = Buffer.concat([header, dataset.subarray(0, 3000)]);

    const r = await storeObjects(
      { aeTitle: ARCHIVE_AE, host: '127.0.0.1', port: archive.dicomPort },
      [truncated],
      {
        callingAeTitle: 'MODALITY',
      },
    );
    expect(r.results[0].status).toBe(0xc000);
    expect(r.results[0].comment).toMatch(/truncated|past the end/);
    expect((await archive.call('GET', `/instances/${uid}`)).status).toBe(404);
    const day = readdirSync(join(archive.archiveRoot, 'rejected'));
    expect(readdirSync(join(archive.archiveRoot, 'rejected', day[0])).some((f) => f.endsWith('.txt'))).toBe(
      true,
    );

    // The same object whole is stored on the same association as an unparsable one.
    const whole = Buffer.concat([header, dataset]);
    const garbage = Buffer.concat([
      buildFileMetaHeader({ ...meta, mediaStorageSopInstanceUid: `${uid}.2` }),
      Buffer.from([8, 0, 0x18, 0, 0xff, 0xff, 0xff, 0x7f, 1, 2]),
    ]);
    const both = await storeObjects(
      { aeTitle: ARCHIVE_AE, host: '127.0.0.1', port: archive.dicomPort },
      [garbage, whole],
      {
        callingAeTitle: 'MODALITY',
      },
    );
    expect(both.results.map((x) => x.status)).toEqual([0xc000, 0]);
    expect((await archive.call('GET', `/instances/${uid}`)).status).toBe(200);
  });

  it('answers 0xA900 when the data set is not the instance the request names', async () => {
    const file = readFileSync(sample('CT_small.dcm'));
    const { meta, datasetOffset } = readFileMeta(file);
    const lying = Buffer.concat([
      buildFileMetaHeader({ ...meta, mediaStorageSopInstanceUid: '1.2.826.0.1.3680043.10.543.666.3' }),
      file.subarray(datasetOffset),
    ]);
    const r = await storeObjects(
      { aeTitle: ARCHIVE_AE, host: '127.0.0.1', port: archive.dicomPort },
      [lying],
      {
        callingAeTitle: 'MODALITY',
      },
    );
    expect(r.results[0].status).toBe(0xa900);
  });

  it('does not accept an unknown SOP class at negotiation', async () => {
    const dir = scratch('private-sop-');
    const copy = join(dir, 'private.dcm');
    copyFileSync(sample('CT_small.dcm'), copy);
    const modified = await tool('dcmodify', [
      '-nb',
      '-m',
      '(0008,0016)=1.2.826.0.1.3680043.10.543.999.1',
      '-m',
      '(0008,0018)=1.2.826.0.1.3680043.10.543.999.2',
      copy,
    ]);
    expect(modified.code).toBe(0);
    const sent = await tool('dcmsend', [
      '-v',
      '-aet',
      'MODALITY',
      '-aec',
      ARCHIVE_AE,
      '127.0.0.1',
      String(archive.dicomPort),
      copy,
    ]);
    expect(sent.stdout + sent.stderr).toMatch(
      /no acceptable presentation context|not supported|cannot send/i,
    );
    expect((await archive.call('GET', '/instances/1.2.826.0.1.3680043.10.543.999.2')).status).toBe(404);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores an instance sent again with other bytes as a new version; the same bytes change nothing', async () => {
    const uid = '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322';
    const before = (await archive.call('GET', `/instances/${uid}`)).body;
    expect((await dcmsend(archive.dicomPort, ARCHIVE_AE, [sample('CT_small.dcm')])).code).toBe(0);
    expect((await archive.call('GET', `/instances/${uid}`)).body.version).toBe(before.version);
    expect(existsSync(before.file)).toBe(true);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { authHeader } from '@hosp/service-testing';
import { readFileMeta } from '@hosp/standards-dicom';
import { type Archive, bootArchive, sample, tool } from './support/archive-fixture';

// dicomweb-client (ImagingDataCommons/dcmjs-org) runs in Node with an XMLHttpRequest polyfill.
(globalThis as Record<string, unknown>)['XMLHttpRequest'] = require('xhr2');
const { api } = require('dicomweb-client');

interface Attrs {
  [tag: string]: { vr: string; Value?: Array<string | number | { Alphabetic?: string }> };
}
interface DicomWebClient {
  storeInstances(o: { datasets: ArrayBuffer[]; studyInstanceUID?: string }): Promise<unknown>;
  searchForStudies(o?: { queryParams?: Record<string, string> }): Promise<Attrs[]>;
  searchForSeries(o: { studyInstanceUID?: string; queryParams?: Record<string, string> }): Promise<Attrs[]>;
  searchForInstances(o: {
    studyInstanceUID?: string;
    seriesInstanceUID?: string;
    queryParams?: Record<string, string>;
  }): Promise<Attrs[]>;
  retrieveInstance(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
  }): Promise<ArrayBuffer>;
  retrieveStudy(o: { studyInstanceUID: string }): Promise<ArrayBuffer[]>;
  retrieveStudyMetadata(o: { studyInstanceUID: string }): Promise<Attrs[]>;
}

const v = (a: Attrs, tag: string) => {
  const x = a[tag]?.Value?.[0];
  return x && typeof x === 'object' ? x.Alphabetic : x;
};
const ab = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;

const CT = sample('CT_small.dcm');
const JLS = sample('MR_small_jpeg_ls_lossless.dcm');
const ZH = sample('../charset_files/chrX1.dcm');
const uidOf = (f: string) => readFileMeta(readFileSync(f)).meta.mediaStorageSopInstanceUid;

/** STOW-RS, QIDO-RS and WADO-RS against curl and dicomweb-client, neither of them written here. */
describe('archive: DICOMweb', () => {
  let archive: Archive;
  let client: DicomWebClient;
  let base: string;
  let auth: Record<string, string>;
  /** fetch with the bearer token: DICOMweb needs one like every other route. */
  const get = (url: string, init: RequestInit = {}) =>
    fetch(url, { ...init, headers: { ...auth, ...((init.headers as Record<string, string>) ?? {}) } });

  beforeAll(async () => {
    archive = await bootArchive();
    base = `${archive.baseUrl}/dicom-web`;
    auth = await authHeader('ktv-hung');
    client = new api.DICOMwebClient({ url: base, headers: auth }) as DicomWebClient;
  }, 120_000);
  afterAll(() => archive?.close());

  /** A STOW-RS body as the interop notes built it for curl. */
  const stowWithCurl = async (files: Buffer[], contentType?: string) => {
    const B = 'MYBOUNDARY';
    const body = Buffer.concat([
      ...files.flatMap((f) => [
        Buffer.from(`--${B}\r\nContent-Type: application/dicom\r\n\r\n`),
        f,
        Buffer.from('\r\n'),
      ]),
      Buffer.from(`--${B}--\r\n`),
    ]);
    const dir = mkdtempSync('/tmp/stow-');
    writeFileSync(`${dir}/body`, body);
    const r = await tool('curl', [
      '-s',
      '-w',
      '\n%{http_code}',
      '-X',
      'POST',
      '-H',
      `Content-Type: ${contentType ?? `multipart/related; type="application/dicom"; boundary=${B}`}`,
      '-H',
      'Accept: application/dicom+json',
      '-H',
      `Authorization: ${auth['authorization']}`,
      '--data-binary',
      `@${dir}/body`,
      `${base}/studies`,
    ]);
    rmSync(dir, { recursive: true, force: true });
    const lines = r.stdout.trim().split('\n');
    return { status: Number(lines.pop()), body: lines.length ? JSON.parse(lines.join('\n')) : undefined };
  };

  it('STOW-RS (curl): stores Part 10 files as sent and lists them in the Referenced SOP Sequence', async () => {
    const files = [readFileSync(CT), readFileSync(JLS)];
    const r = await stowWithCurl(files);
    expect(r.status).toBe(200);
    const refs = r.body['00081199'].Value;
    expect(refs.map((x: Attrs) => v(x, '00081155'))).toEqual([uidOf(CT), uidOf(JLS)]);
    expect(String(v(refs[0], '00081190'))).toMatch(/\/dicom-web\/studies\/.+\/series\/.+\/instances\/.+/);
    // Kept whole: a STOW-RS object is the Part 10 file the client sent, byte for byte.
    for (const [i, f] of [CT, JLS].entries()) {
      const stored = (await archive.call('GET', `/instances/${uidOf(f)}`)).body;
      expect(readFileSync(stored.file).equals(files[i])).toBe(true);
      expect(stored.source).toBe('stow');
    }
  });

  it('STOW-RS: a truncated part fails alone (202, Failed SOP Sequence with 0xC000); wrong media type is 415', async () => {
    const cut = readFileSync(sample('MR_truncated.dcm'));
    const r = await stowWithCurl([cut, readFileSync(ZH)]);
    expect(r.status).toBe(202);
    expect(v(r.body['00081198'].Value[0], '00081197')).toBe(0xc000);
    expect(r.body['00081199'].Value).toHaveLength(1);
    const all = await stowWithCurl([cut]);
    expect(all.status).toBe(409);
    expect((await stowWithCurl([readFileSync(CT)], 'application/octet-stream')).status).toBe(415);
  });

  it('STOW-RS with dicomweb-client', async () => {
    const file = readFileSync(sample('SC_rgb_rle_2frame.dcm'));
    await client.storeInstances({ datasets: [ab(file)] });
    expect((await archive.call('GET', `/instances/${uidOf(sample('SC_rgb_rle_2frame.dcm'))}`)).status).toBe(
      200,
    );
  });

  it('QIDO-RS studies, series, instances (DICOM JSON), with wildcards, includefield and UTF-8 names', async () => {
    const studies = await client.searchForStudies({ queryParams: { PatientName: 'CompressedSamples*' } });
    expect(studies.length).toBeGreaterThanOrEqual(2);
    for (const s of studies) expect(String(v(s, '00100010'))).toMatch(/^CompressedSamples/);
    const ct = studies.find((s) => v(s, '00080061') === 'CT')!;
    expect(v(ct, '00201208')).toBe(1);
    expect(String(v(ct, '00081190'))).toBe(`${base}/studies/${v(ct, '0020000D')}`);

    // A literal ^ in the value, percent-encoded (the quirk interop-peers.md found in Orthanc's DICOMweb 1.7).
    const exact = (await get(`${base}/studies?PatientName=CompressedSamples%5EMR1`).then((r) =>
      r.json(),
    )) as Attrs[];
    expect(exact.map((s) => v(s, '00100010'))).toEqual(['CompressedSamples^MR1']);
    const zh = await client.searchForStudies({
      queryParams: { PatientName: 'Wang*', includefield: 'PatientAge' },
    });
    expect(zh[0]['00100010'].Value![0]).toMatchObject({
      Alphabetic: 'Wang^XiaoDong',
      Ideographic: '王^小東',
    });
    expect(zh[0]['00101010']).toBeDefined();

    const studyUid = String(v(ct, '0020000D'));
    const series = await client.searchForSeries({ studyInstanceUID: studyUid });
    expect(series.map((s) => v(s, '00080060'))).toEqual(['CT']);
    const instances = await client.searchForInstances({ studyInstanceUID: studyUid });
    expect(instances.map((i) => v(i, '00080018'))).toEqual([uidOf(CT)]);
    const byModality = await client.searchForInstances({ queryParams: { Modality: 'MR' } });
    expect(byModality.map((i) => v(i, '00080018'))).toContain(uidOf(JLS));
    const bad = await get(`${base}/studies?NoSuchAttribute=1`);
    expect(bad.status).toBe(400);
  });

  it('WADO-RS: instances byte for byte as stored (multipart/related), and metadata as DICOM JSON', async () => {
    const stored = (await archive.call('GET', `/instances/${uidOf(JLS)}`)).body;
    const got = await client.retrieveInstance({
      studyInstanceUID: stored.studyInstanceUid,
      seriesInstanceUID: stored.seriesInstanceUid,
      sopInstanceUID: stored.sopInstanceUid,
    });
    expect(Buffer.from(got).equals(readFileSync(stored.file))).toBe(true);
    const study = await client.retrieveStudy({ studyInstanceUID: stored.studyInstanceUid });
    expect(study).toHaveLength(1);
    const metadata = await client.retrieveStudyMetadata({ studyInstanceUID: stored.studyInstanceUid });
    expect(v(metadata[0], '00100010')).toBe('CompressedSamples^MR1');
    expect(metadata[0]['7FE00010']).toBeUndefined();

    const raw = await get(`${base}/studies/${stored.studyInstanceUid}`);
    expect(raw.headers.get('content-type')).toMatch(
      /^multipart\/related; type="application\/dicom"; boundary=/,
    );
    expect(
      (
        await get(`${base}/studies/${stored.studyInstanceUid}`, {
          headers: { accept: 'application/dicom+json' },
        })
      ).status,
    ).toBe(406);
    expect((await get(`${base}/studies/1.2.3.4.5.6.7.8.9`)).status).toBe(404);
  });
});

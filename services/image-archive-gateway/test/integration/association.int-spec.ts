import { createConnection } from 'node:net';
import { addPeer, type Archive, ARCHIVE_AE, bootArchive, tool } from './support/archive-fixture';

/**
 * The DICOM upper layer against DCMTK's echoscu: association negotiation with the archive's AE title and the
 * configured callers, C-ECHO, and the A-ASSOCIATE-RJ reasons a modality's log shows.
 */
describe('archive: associations and C-ECHO', () => {
  let archive: Archive;

  beforeAll(async () => {
    archive = await bootArchive();
    await addPeer(archive, 'MODALITY1', { host: '127.0.0.1', description: 'CT Siemens, phòng chụp 1' });
    await addPeer(archive, 'FARAWAY', { host: '10.9.9.9', checkHost: true });
    await addPeer(archive, 'RETIRED', { enabled: false });
  }, 120_000);
  afterAll(() => archive?.close());

  const echo = (calling: string, called = ARCHIVE_AE) =>
    tool('echoscu', ['-v', '-aet', calling, '-aec', called, '127.0.0.1', String(archive.dicomPort)]);

  it('answers C-ECHO to a configured caller', async () => {
    const r = await echo('MODALITY1');
    expect(r.code).toBe(0);
    expect(r.stderr + r.stdout).toMatch(/Received Echo Response \(Success\)/);
  });

  it('rejects an unknown calling AE: A-ASSOCIATE-RJ, calling AE title not recognized', async () => {
    const r = await echo('STRANGER');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/Rejected Permanent, Source: Service User/);
    expect(r.stderr + r.stdout).toMatch(/Calling AE Title Not Recognized/);
  });

  it('rejects a caller from another host than configured, and a disabled one', async () => {
    for (const ae of ['FARAWAY', 'RETIRED']) {
      const r = await echo(ae);
      expect(r.stderr + r.stdout).toMatch(/Calling AE Title Not Recognized/);
    }
  });

  it('rejects an association called to another AE title', async () => {
    const r = await echo('MODALITY1', 'SOMEONE_ELSE');
    expect(r.stderr + r.stdout).toMatch(/Called AE Title Not Recognized/);
  });

  it('keeps serving after a rejected association and after garbage on the socket', async () => {
    await new Promise<void>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port: archive.dicomPort }, () => {
        s.end(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
      });
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    expect((await echo('MODALITY1')).code).toBe(0);
  });

  it('manages peers over REST, and echoes a peer from the archive', async () => {
    const peers = (await archive.call('GET', '/dicom/peers')).body;
    expect(peers.map((p: { aeTitle: string }) => p.aeTitle)).toEqual(['FARAWAY', 'MODALITY1', 'RETIRED']);
    const bad = await archive.call('PUT', '/dicom/peers/WAY_TOO_LONG_AE_TITLE', {});
    expect(bad.status).toBe(400);
    const own = await archive.call('PUT', `/dicom/peers/${ARCHIVE_AE}`, {});
    expect(own.status).toBe(400);
    // The archive echoes itself through a peer entry pointing at its own listener.
    await addPeer(archive, 'SELF', { host: '127.0.0.1', port: archive.dicomPort });
    await archive.call('PUT', `/dicom/peers/${ARCHIVE_AE}X`, {});
    const r = await archive.call('POST', '/dicom/peers/SELF/echo');
    expect(r.status).toBe(422); // called AE "SELF" is not the archive's title: rejected, and said so
    expect(r.body.message).toMatch(/rejected/);
    expect((await archive.call('DELETE', '/dicom/peers/RETIRED')).status).toBe(204);
  });
});

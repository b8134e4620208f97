import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePortBlock } from '@hosp/testing';
import { Client } from 'pg';
import {
  addPeer,
  type Archive,
  bootArchive,
  dcmsend,
  sample,
  tool,
  ARCHIVE_AE,
} from './support/archive-fixture';

/**
 * Faults: the archive answers a C-STORE with success only after the file and the index are durable. When the
 * disk or the database fails it refuses (0xA700 "out of resources", or the association is rejected as
 * transient), loses nothing it accepted, and serves again when they are back.
 */
describe('archive: disk and database faults', () => {
  let archive: Archive;
  let proxy: Server;
  let up = true;
  const sockets = new Set<Socket>();
  const database = `hosp_iag_faults_${Date.now().toString(36)}`;
  const server = process.env['DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

  beforeAll(async () => {
    // The archive reaches PostgreSQL through a TCP proxy the test can cut.
    const target = new URL(server);
    const port = await freePortBlock(1);
    proxy = createServer((client) => {
      if (!up) return client.destroy();
      const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', () => r()));
    const url = new URL(server);
    url.host = `127.0.0.1:${port}`;
    url.pathname = `/${database}`;
    archive = await bootArchive({}, { databaseUrl: url.toString() });
    await addPeer(archive, 'CT01', { host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    up = true;
    await archive?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => proxy?.close(r));
    const c = new Client({ connectionString: `${server}/postgres` });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.end();
  });

  const send = (file: string) =>
    tool('dcmsend', [
      '-v',
      '-aet',
      'CT01',
      '-aec',
      ARCHIVE_AE,
      '127.0.0.1',
      String(archive.dicomPort),
      sample(file),
    ]);

  it('refuses with 0xA700 while the object store cannot be written, and stores once it can', async () => {
    const objects = join(archive.archiveRoot, 'objects');
    rmSync(objects, { recursive: true, force: true });
    writeFileSync(objects, 'not a directory'); // even root cannot create directories under a file
    const refused = await send('CT_small.dcm');
    expect(refused.stdout + refused.stderr).toMatch(/Refused: OutOfResources/);
    expect(
      (await archive.call('GET', '/instances/1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322')).status,
    ).toBe(404);

    rmSync(objects);
    mkdirSync(objects);
    expect((await send('CT_small.dcm')).code).toBe(0);
    expect(
      (await archive.call('GET', '/instances/1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322')).status,
    ).toBe(200);
  });

  it('rejects associations as transient while the database is away, and takes images again when it is back', async () => {
    up = false;
    for (const s of sockets) s.destroy();
    const echo = await tool('echoscu', [
      '-aet',
      'CT01',
      '-aec',
      ARCHIVE_AE,
      '127.0.0.1',
      String(archive.dicomPort),
    ]);
    expect(echo.stdout + echo.stderr).toMatch(/Rejected Transient/);
    expect(echo.stdout + echo.stderr).toMatch(/Temporary Congestion/);
    expect((await send('MR_small_RLE.dcm')).code).not.toBe(0);

    up = true;
    let ok = await send('MR_small_RLE.dcm');
    for (let i = 0; i < 20 && ok.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      ok = await send('MR_small_RLE.dcm');
    }
    expect(ok.code).toBe(0);
    expect(
      (await archive.call('GET', '/instances/1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457')).status,
    ).toBe(200);
    // Everything accepted before the outage is still there.
    expect(
      (await archive.call('GET', '/instances/1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322')).status,
    ).toBe(200);
    expect((await dcmsend(archive, 'CT01', [sample('SC_rgb_jpeg_dcmtk.dcm')])).code).toBe(0);
  });
});

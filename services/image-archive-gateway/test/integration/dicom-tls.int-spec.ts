import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileMeta } from '@hosp/standards-dicom';
import { freePortBlock } from '@hosp/testing';
import {
  addPeer,
  type Archive,
  ARCHIVE_AE,
  bootArchive,
  eventually,
  sample,
  scratch,
  startProcess,
  stopProcess,
  tool,
} from './support/archive-fixture';

const CT = sample('CT_small.dcm');
const MR = sample('MR_small.dcm');
const uidOf = (f: string) => readFileMeta(readFileSync(f)).meta.mediaStorageSopInstanceUid;

/**
 * DICOM over TLS (PS3.15 Annex B.1, TLS Secure Transport Connection Profile) with mutual authentication
 * (IHE ATNA ITI-19), against DCMTK as the independent peer: echoscu and storescu with `+tls key cert +cf ca`
 * as modalities, storescp `+tls` as the downstream PACS the archive forwards to. The certificates are made
 * here at run time by the openssl CLI (a hospital CA, node certificates for the archive, a modality and the
 * PACS, a rogue CA with one of its own); nothing is kept in the repository. Also the association limits:
 * PDU size (A-ABORT), ARTIM and idle timeouts.
 */
describe('archive: DICOM TLS, node authentication, association limits', () => {
  let archive: Archive;
  let tlsPort: number;
  let pki: string;
  let pacs: ChildProcess | undefined;
  let pacsDir: string;
  const pem = (name: string) => join(pki, name);

  beforeAll(async () => {
    pki = makePki();
    tlsPort = await freePortBlock(1);
    archive = await bootArchive({
      DICOM_TLS_PORT: String(tlsPort),
      DICOM_TLS_CERT: pem('archive.pem'),
      DICOM_TLS_KEY: pem('archive.key'),
      DICOM_TLS_CA: pem('ca.pem'),
      DICOM_TLS_PEERS: 'TLSPACS',
      DICOM_ASSOCIATION_TIMEOUT_MS: '1500',
      DICOM_IDLE_TIMEOUT_MS: '3000',
      DICOM_MAX_PDU: '65536',
    });
    await addPeer(archive, 'MODALITY1', { host: '127.0.0.1' });
    pacsDir = scratch('tls-pacs-');
    const pacsPort = await freePortBlock(1);
    // storescp requires and verifies the archive's client certificate (-rc is its default with +tls).
    pacs = await startProcess(
      'storescp',
      [
        '-aet',
        'TLSPACS',
        '+tls',
        pem('pacs.key'),
        pem('pacs.pem'),
        '+cf',
        pem('ca.pem'),
        '-od',
        pacsDir,
        String(pacsPort),
      ],
      { port: pacsPort },
    );
    await addPeer(archive, 'TLSPACS', { host: '127.0.0.1', port: pacsPort, forward: true });
  }, 120_000);
  afterAll(async () => {
    await stopProcess(pacs);
    await archive?.close();
    for (const dir of [pki, pacsDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const asModality = () => ['+tls', pem('modality.key'), pem('modality.pem'), '+cf', pem('ca.pem')];
  const echo = (auth: string[], port = tlsPort) =>
    tool(
      'echoscu',
      ['-v', ...auth, '-aet', 'MODALITY1', '-aec', ARCHIVE_AE, '127.0.0.1', String(port)],
      30_000,
    );

  it('answers C-ECHO over TLS to a modality with a certificate from the trusted CA', async () => {
    const r = await echo(asModality());
    expect(r.stderr + r.stdout).toMatch(/Received Echo Response \(Success\)/);
    expect(r.code).toBe(0);
  });

  it('refuses at the TLS handshake a modality without a certificate, or with one from another CA', async () => {
    const anonymous = await echo(['+tla', '+cf', pem('ca.pem')]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr + anonymous.stdout).not.toMatch(/Association Accepted|Echo Response/);
    const rogue = await echo(['+tls', pem('rogue.key'), pem('rogue.pem'), '+cf', pem('ca.pem')]);
    expect(rogue.code).not.toBe(0);
    expect(rogue.stderr + rogue.stdout).not.toMatch(/Association Accepted|Echo Response/);
    // A plain association on the TLS port gets nowhere either; the plain port still serves (DICOM_PORT).
    const plainOnTls = await echo([]);
    expect(plainOnTls.code).not.toBe(0);
    expect((await echo([], archive.dicomPort)).code).toBe(0);
    // And the TLS listener still serves a trusted modality.
    expect((await echo(asModality())).code).toBe(0);
  });

  it('stores an object sent by storescu over TLS, and forwards it over TLS to a PACS requiring our certificate', async () => {
    const sent = await tool('storescu', [
      ...asModality(),
      '-aet',
      'MODALITY1',
      '-aec',
      ARCHIVE_AE,
      '127.0.0.1',
      String(tlsPort),
      CT,
    ]);
    expect(sent.code).toBe(0);
    const stored = await archive.call('GET', `/instances/${uidOf(CT)}`);
    expect(stored.status).toBe(200);
    const row = await eventually(async () => {
      const q = (await archive.call('GET', '/forwarding?destination=TLSPACS')).body;
      return q[0]?.status === 'sent' ? q[0] : undefined;
    }, 'the instance forwarded to the TLS PACS');
    expect(row.sopInstanceUid).toBe(uidOf(CT));
    const received = readdirSync(pacsDir);
    expect(received).toHaveLength(1);
    const meta = readFileMeta(readFileSync(join(pacsDir, received[0]))).meta;
    expect(meta.mediaStorageSopInstanceUid).toBe(uidOf(CT));
  });

  it('aborts an association whose PDU exceeds the announced maximum, before buffering it', async () => {
    const socket = createConnection({ host: '127.0.0.1', port: archive.dicomPort });
    const reply = collect(socket);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(associateRq('MODALITY1', ARCHIVE_AE));
    // A-ASSOCIATE-AC, then a P-DATA-TF announcing 16 MiB where 64 KiB were agreed.
    await eventually(async () => (reply.bytes()[0] === 0x02 ? true : undefined), 'the A-ASSOCIATE-AC');
    const header = Buffer.from([0x04, 0, 0, 0, 0, 0]);
    header.writeUInt32BE(16 * 1024 * 1024, 2);
    socket.write(Buffer.concat([header, Buffer.alloc(1024)]));
    await reply.closed;
    const bytes = reply.bytes();
    const abort = bytes.subarray(bytes.length - 10);
    expect([...abort]).toEqual([0x07, 0, 0, 0, 0, 4, 0, 0, 2, 6]); // A-ABORT, service-provider, invalid PDU parameter
    // A storescu that keeps within the limits still stores (its PDUs follow our 64 KiB announcement).
    const sent = await tool('storescu', [
      '-aet',
      'MODALITY1',
      '-aec',
      ARCHIVE_AE,
      '127.0.0.1',
      String(archive.dicomPort),
      MR,
    ]);
    expect(sent.code).toBe(0);
    expect((await archive.call('GET', `/instances/${uidOf(MR)}`)).status).toBe(200);
  });

  it('closes a connection that sends no A-ASSOCIATE-RQ (ARTIM), and an association that goes silent', async () => {
    const silent = createConnection({ host: '127.0.0.1', port: archive.dicomPort });
    const idle = createConnection({ host: '127.0.0.1', port: archive.dicomPort });
    const idleReply = collect(idle);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    idle.write(associateRq('MODALITY1', ARCHIVE_AE));
    const [artimMs, idleMs] = await Promise.all([closedAfter(silent), closedAfter(idle)]);
    expect(artimMs).toBeGreaterThanOrEqual(1_000);
    expect(artimMs).toBeLessThan(3_000);
    expect(idleReply.bytes()[0]).toBe(0x02); // the association was accepted, then left idle
    expect(idleMs).toBeGreaterThanOrEqual(3_000);
    expect(idleMs).toBeLessThan(8_000);
  });
});

/**
 * A minimal A-ASSOCIATE-RQ (PS3.8 §9.3.2): Verification in implicit little endian, maximum PDU 16 KiB.
 */
function associateRq(calling: string, called: string): Buffer {
  const item = (type: number, body: Buffer) => {
    const h = Buffer.from([type, 0, 0, 0]);
    h.writeUInt16BE(body.length, 2);
    return Buffer.concat([h, body]);
  };
  const uid = (type: number, value: string) => item(type, Buffer.from(value, 'ascii'));
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(16_384);
  const body = Buffer.concat([
    Buffer.from([0, 1, 0, 0]), // protocol version 1, reserved
    Buffer.from(called.padEnd(16, ' '), 'ascii'),
    Buffer.from(calling.padEnd(16, ' '), 'ascii'),
    Buffer.alloc(32),
    uid(0x10, '1.2.840.10008.3.1.1.1'),
    item(
      0x20,
      Buffer.concat([
        Buffer.from([1, 0, 0, 0]),
        uid(0x30, '1.2.840.10008.1.1'),
        uid(0x40, '1.2.840.10008.1.2'),
      ]),
    ),
    item(0x50, Buffer.concat([item(0x51, maxLength), uid(0x52, '1.2.826.0.1.3680043.2.1143.107.104')])),
  ]);
  const header = Buffer.from([0x01, 0, 0, 0, 0, 0]);
  header.writeUInt32BE(body.length, 2);
  return Buffer.concat([header, body]);
}

function collect(socket: Socket) {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { bytes: () => Buffer.concat(chunks), closed };
}

/** Milliseconds until the peer closes a socket (from now). */
function closedAfter(socket: Socket): Promise<number> {
  const start = Date.now();
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve(Date.now() - start)));
}

/**
 * A throw-away PKI made with the openssl CLI: a hospital CA; node certificates (serverAuth and clientAuth, as
 * an ATNA secure node uses one certificate both ways; SAN 127.0.0.1) for the archive, a modality and the PACS;
 * a rogue CA with a certificate of its own. EC P-256 keys (BCP 195 ECDHE-ECDSA suites), valid for a day.
 */
function makePki(): string {
  const dir = mkdtempSync(join(tmpdir(), 'archive-pki-'));
  writeFileSync(
    join(dir, 'pki.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = unused',
      '[ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[node]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyAgreement',
      'extendedKeyUsage = serverAuth,clientAuth',
      'subjectAltName = IP:127.0.0.1,DNS:localhost',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid',
      '',
    ].join('\n'),
  );
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string, cn: string) =>
    openssl(
      'req',
      '-config',
      'pki.cnf',
      '-x509',
      ...key,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      '-extensions',
      'ca',
    );
  let serial = 1;
  const node = (name: string, cn: string, issuer: string) => {
    openssl(
      'req',
      '-config',
      'pki.cnf',
      '-new',
      ...key,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-set_serial',
      String(++serial),
      '-days',
      '1',
      '-out',
      `${name}.pem`,
      '-extfile',
      'pki.cnf',
      '-extensions',
      'node',
    );
  };
  ca('ca', 'Hospital Test CA');
  ca('rogue-ca', 'Rogue CA');
  node('archive', 'HOSP_ARCHIVE', 'ca');
  node('modality', 'MODALITY1', 'ca');
  node('pacs', 'TLSPACS', 'ca');
  node('rogue', 'MODALITY1', 'rogue-ca');
  return dir;
}

import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { Sex, Topics, WorkOrderReleasedSchema } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { freePortBlock, portOpen } from '@hosp/testing';
import {
  ackField,
  analyzerConnection,
  api,
  type Api,
  bootGateway,
  eventually,
  fixture,
  framed,
  publishAs,
} from './support/gateway-fixture';

const run = promisify(execFile);

/**
 * MLLP over TLS with node authentication (IHE ATNA ITI-19: mutual TLS between secure nodes), exercised with
 * peers we did not write: `openssl s_client` as the analyzer that connects to the gateway, `openssl s_server`
 * as the device the gateway connects to, and python3-hl7's `mllp_send` as a plain-TCP client on a TLS port.
 * The certificates are made here, at run time, by the openssl CLI (nothing is kept in the repository): a
 * hospital CA, the gateway's node certificate, an analyzer's and a device's, and a rogue CA with one of its own.
 * Also the limits every listener applies: the idle timeout (MLLP over TLS and ASTM) and the message size.
 */
describe('gateway: MLLP over TLS, mutual authentication, idle and size limits', () => {
  let booted: BootedService;
  let call: Api;
  let pki: string;
  const peers: ChildProcess[] = [];
  const oru = fixture('oru-r01-hematology-v231.hl7');
  const pem = (name: string) => join(pki, name);

  beforeAll(async () => {
    pki = makePki();
    Object.assign(process.env, {
      GATEWAY_TLS_CERT: pem('gateway.pem'),
      GATEWAY_TLS_KEY: pem('gateway.key'),
      GATEWAY_TLS_CA: pem('ca.pem'),
      GATEWAY_TLS_DIR: pki,
      GATEWAY_IDLE_TIMEOUT_MS: '1500',
      GATEWAY_RETRY_BASE_MS: '200',
      GATEWAY_OUTBOUND_MAX_ATTEMPTS: '2',
    });
    booted = await bootGateway();
    call = api(booted);
  }, 120_000);
  afterAll(async () => {
    for (const p of peers) p.kill();
    await booted?.close();
    if (pki) rmSync(pki, { recursive: true, force: true });
  });

  const stored = async (connectionId: string) =>
    (await call('GET', `/messages?connectionId=${connectionId}`)).body as Array<{ status: string }>;

  /**
   * `openssl s_client` as the analyzer: it verifies the gateway's certificate against the hospital CA
   * (-verify_return_error), presents the certificate given in `auth`, writes the MLLP-framed bytes and prints
   * what comes back. Resolves once `frames` reply frames arrived, or the process ended, or after 10 s.
   */
  async function sClient(port: number, auth: string[], input: Buffer, frames: number) {
    const args = [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      pem('ca.pem'),
      '-verify_return_error',
    ];
    const child = spawn('openssl', [...args, '-quiet', ...auth], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = Buffer.alloc(0);
    let stderr = '';
    const replies = () =>
      stdout
        .toString('utf8')
        .split('\x1c\r')
        .filter((f) => f.includes('\x0b'))
        .map((f) => f.slice(f.indexOf('\x0b') + 1));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const enough = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout = Buffer.concat([stdout, d]);
        if (replies().length >= frames) resolve();
      });
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // a refused peer may be gone before its input is written
    child.stdin.write(input);
    const code = await Promise.race([exited, enough.then(() => 'done' as const), sleep(10_000)]);
    child.kill();
    await exited;
    return { replies: replies(), stderr, exited: typeof code === 'number' ? code : undefined };
  }

  const asAnalyzer = () => ['-cert', pem('analyzer.pem'), '-key', pem('analyzer.key')];
  const asRogue = () => ['-cert', pem('rogue.pem'), '-key', pem('rogue.key')];

  it('ACKs AA an ORU^R01 sent over TLS by a client with a certificate from the trusted CA', async () => {
    const conn = await analyzerConnection(call, { tls: true });
    const { replies, stderr } = await sClient(conn.port, asAnalyzer(), framed(oru), 1);
    expect(stderr).toMatch(/verify return:1/); // s_client verified the gateway's certificate chain
    expect(replies).toHaveLength(1);
    expect(ackField(replies[0], 'MSA', 1)).toBe('AA');
    expect(ackField(replies[0], 'MSA', 2)).toBe('2041');
    const messages = await stored(conn.id);
    expect(messages).toHaveLength(1);
    expect(messages[0].status).toBe('accepted');
  });

  it('refuses at the handshake a client without a certificate, and one whose certificate another CA issued', async () => {
    const conn = await analyzerConnection(call, { tls: true });
    const none = await sClient(conn.port, [], framed(oru), 1);
    expect(none.replies).toEqual([]);
    expect(none.stderr).toMatch(/alert certificate required|alert handshake failure/);
    // Node checks the client's chain after OpenSSL's handshake and drops the connection without an alert.
    const rogue = await sClient(conn.port, asRogue(), framed(oru), 1);
    expect(rogue.replies).toEqual([]);
    expect(rogue.exited).toBeGreaterThan(0); // s_client ended by itself: the gateway closed on it
    expect(rogue.stderr).toMatch(/errno=104|unexpected eof|alert/);
    expect(await stored(conn.id)).toEqual([]);
    // Refusing those took nothing from the listener: the trusted analyzer still gets its AA.
    const ok = await sClient(conn.port, asAnalyzer(), framed(oru), 1);
    expect(ackField(ok.replies[0], 'MSA', 1)).toBe('AA');
  });

  it('accepts nothing from a plain-TCP client on the TLS port (mllp_send gets no ACK)', async () => {
    const conn = await analyzerConnection(call, { tls: true });
    const dir = mkdtempSync(join(tmpdir(), 'mllp-plain-'));
    try {
      writeFileSync(join(dir, 'oru.mllp'), framed(oru));
      const { stdout } = await run(
        'mllp_send',
        ['-p', String(conn.port), '-f', join(dir, 'oru.mllp'), '127.0.0.1'],
        { timeout: 20_000 },
      );
      expect(stdout).not.toMatch(/MSA/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await stored(conn.id)).toEqual([]);
  });

  it('answers an oversize frame AR (ERR 207) without buffering it, and the listener keeps serving', async () => {
    const conn = await analyzerConnection(call, { tls: true, maxMessageBytes: 2048 });
    const big = oru.replace(/\r?\n/g, '\r') + 'NTE|1||' + 'x'.repeat(200_000) + '\r';
    const small = oru.replace('|2041|', '|2042|');
    const first = await sClient(conn.port, asAnalyzer(), framed(big, small), 2);
    expect(first.replies.map((r) => ackField(r, 'MSA', 1))).toEqual(['AR', 'AA']);
    expect(first.replies[0]).toContain('207'); // application internal error, "larger than 2048 bytes"
    expect(ackField(first.replies[1], 'MSA', 2)).toBe('2042');
    const again = await sClient(conn.port, asAnalyzer(), framed(oru.replace('|2041|', '|2043|')), 1);
    expect(ackField(again.replies[0], 'MSA', 1)).toBe('AA');
  });

  it('closes a silent connection after GATEWAY_IDLE_TIMEOUT_MS: MLLP over TLS and ASTM alike', async () => {
    const hl7 = await analyzerConnection(call, { tls: true });
    const tlsSocket = tlsConnect({
      host: '127.0.0.1',
      port: hl7.port,
      ca: readFileSync(pem('ca.pem')),
      cert: readFileSync(pem('analyzer.pem')),
      key: readFileSync(pem('analyzer.key')),
    });
    await new Promise<void>((resolve, reject) => {
      tlsSocket.once('secureConnect', () => resolve());
      tlsSocket.once('error', reject);
    });
    const astmPort = await freePortBlock(1);
    const astm = await call('POST', '/connections', {
      id: `astm-idle-${astmPort}`,
      name: 'ASTM analyzer that goes silent',
      protocol: 'astm',
      role: 'listen',
      host: '127.0.0.1',
      port: astmPort,
    });
    expect(astm.status).toBe(201);
    const plain = await eventually(
      async () => (await portOpen(astmPort)) || undefined,
      'the ASTM listener',
    ).then(() => createConnection({ host: '127.0.0.1', port: astmPort }));
    const [tlsMs, astmMs] = await Promise.all([closedAfter(tlsSocket), closedAfter(plain)]);
    for (const ms of [tlsMs, astmMs]) {
      expect(ms).toBeGreaterThanOrEqual(1_000);
      expect(ms).toBeLessThan(8_000);
    }
  });

  it("uses a connection's own CA file from GATEWAY_TLS_DIR, and refuses TLS it cannot set up", async () => {
    const rogueOnly = await analyzerConnection(call, { tls: true, tlsCaFile: 'rogue-ca.pem' });
    const rogue = await sClient(rogueOnly.port, asRogue(), framed(oru), 1);
    expect(ackField(rogue.replies[0], 'MSA', 1)).toBe('AA');
    const hospital = await sClient(rogueOnly.port, asAnalyzer(), framed(oru), 1);
    expect(hospital.replies).toEqual([]);

    const refused = async (overrides: Record<string, unknown>) => {
      const r = await call('POST', '/connections', {
        id: `refused-${Math.random().toString(36).slice(2, 8)}`,
        name: 'refused',
        protocol: 'hl7v2',
        role: 'listen',
        host: '127.0.0.1',
        port: 1,
        tls: true,
        ...overrides,
      });
      return [r.status, r.body.code];
    };
    expect(await refused({ tlsCaFile: '../ca.pem' })).toEqual([400, 'INVALID_REQUEST']);
    expect(await refused({ tlsCaFile: '/etc/ssl/certs/ca-certificates.crt' })).toEqual([
      400,
      'INVALID_REQUEST',
    ]);
    expect(await refused({ tlsCertFile: 'gateway.pem' })).toEqual([400, 'INVALID_REQUEST']);
    expect(await refused({ tlsCertFile: 'missing.pem', tlsKeyFile: 'gateway.key' })).toEqual([
      422,
      'TLS_NOT_CONFIGURED',
    ]);
    expect(await refused({ tlsCertFile: 'analyzer.pem', tlsKeyFile: 'gateway.key' })).toEqual([
      422,
      'TLS_NOT_CONFIGURED',
    ]);
    expect(await refused({ protocol: 'astm' })).toEqual([422, 'TLS_NOT_SUPPORTED']);
  });

  /**
   * `openssl s_server` as a device the gateway connects to: it requires a client certificate from the
   * hospital CA (-Verify 1 -verify_return_error) and prints what it receives; the test answers each message
   * with an ACK written to its standard input, as the device would.
   */
  async function sServer(port: number, cert: string, key: string) {
    const child = spawn(
      'openssl',
      [
        's_server',
        '-accept',
        `127.0.0.1:${port}`,
        '-cert',
        pem(cert),
        '-key',
        pem(key),
        '-CAfile',
        pem('ca.pem'),
        '-Verify',
        '1',
        '-verify_return_error',
        '-quiet',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    peers.push(child);
    let received = '';
    let log = '';
    child.stdout.on('data', (d: Buffer) => {
      received += d.toString('utf8');
      for (;;) {
        const end = received.indexOf('\x1c\r');
        if (end === -1) break;
        const message = received.slice(received.indexOf('\x0b') + 1, end);
        received = received.slice(end + 2);
        const controlId = message.split('\r')[0].split('|')[9];
        child.stdin.write(
          `\x0bMSH|^~\\&|cobas c311||HOSP-GW||20251122100000||ACK^O21^ACK|A-${controlId}|P|2.5.1\rMSA|AA|${controlId}\r\x1c\r`,
        );
      }
    });
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    await eventually(async () => (await portOpen(port)) || undefined, 'openssl s_server listening');
    return { log: () => log };
  }

  const workOrder = (specimenId: string) => ({
    workOrderId: `WO-${specimenId}`,
    accessionNumber: specimenId.slice(0, 10),
    specimenId,
    specimenType: 'BLD',
    containerType: 'EDTA',
    patientId: 'b0e3c1a2-8f5d-4c61-9d32-1f7a2b3c4d5e',
    patientCode: 'BN00001234',
    patientName: 'Phạm Minh Tuấn',
    birthDate: '1978-09-02',
    sex: Sex.MALE,
    priority: 'R',
    tests: [
      {
        orderId: 'o-1',
        service: { system: 'urn:hosp:his:service-catalog', code: 'XN-GLU', display: 'Glucose' },
      },
    ],
  });

  const deviceConnection = async (port: number, test: string) => {
    const r = await call('POST', '/connections', {
      id: `tls-device-${port}`,
      name: 'cobas c311 over TLS',
      protocol: 'hl7v2',
      role: 'connect',
      host: '127.0.0.1',
      port,
      tls: true,
      orderMessage: 'OML^O21',
      tests: [test],
    });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  it('pushes work orders over TLS to a device that requires our certificate, and verifies the device', async () => {
    const [trustedPort, roguePort] = [await freePortBlock(1), await freePortBlock(1)];
    const trusted = await sServer(trustedPort, 'device.pem', 'device.key');
    await sServer(roguePort, 'rogue.pem', 'rogue.key');
    const good = await deviceConnection(trustedPort, 'XN-GLU-TLS');
    const bad = await deviceConnection(roguePort, 'XN-GLU-ROGUE');
    for (const [specimen, code] of [
      ['2611220101A', 'XN-GLU-TLS'],
      ['2611220102A', 'XN-GLU-ROGUE'],
    ]) {
      const order = workOrder(specimen);
      order.tests[0].service.code = code;
      await publishAs(booted, 'laboratory', Topics.LabWorkOrder, WorkOrderReleasedSchema, order);
    }
    const acked = await eventually(async () => {
      const rows = (await call('GET', `/outbound?connectionId=${good}`)).body;
      return rows[0]?.status === 'acked' ? rows[0] : undefined;
    }, 'the OML^O21 acknowledged by the TLS device');
    expect(acked.messageType).toMatch(/^OML/);
    expect(trusted.log()).toMatch(/verify return:1/); // s_server verified the gateway's client certificate
    // The device whose certificate no trusted CA issued never gets the order.
    const parked = await eventually(async () => {
      const rows = (await call('GET', `/outbound?connectionId=${bad}`)).body;
      return rows[0]?.status === 'parked' ? rows[0] : undefined;
    }, 'the order to the untrusted device parked');
    expect(parked.lastError).toMatch(/cannot connect.*certificate/);
  });
});

/**
 * A throw-away PKI made with the openssl CLI: a hospital CA; node certificates for the gateway, an analyzer
 * and a device (serverAuth and clientAuth, as ATNA secure nodes use one certificate both ways; SAN 127.0.0.1);
 * and a rogue CA with a certificate of its own. EC P-256 keys, valid for a day.
 */
function makePki(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-pki-'));
  const at = (name: string) => join(dir, name);
  writeFileSync(
    at('pki.cnf'),
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
  node('gateway', 'integration-gateway', 'ca');
  node('analyzer', 'BC-5380', 'ca');
  node('device', 'cobas-c311', 'ca');
  node('rogue', 'BC-5380', 'rogue-ca');
  return dir;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds until the peer closes a socket we keep silent (from now). */
function closedAfter(socket: Socket): Promise<number> {
  const start = Date.now();
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve(Date.now() - start)));
}

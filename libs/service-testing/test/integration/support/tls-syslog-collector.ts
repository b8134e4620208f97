import { OctetCountingDecoder } from '@hosp/platform-audit';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

export interface TestPki {
  dir: string;
  caFile: string;
  serverCert: Buffer;
  serverKey: Buffer;
  clientCertFile: string;
  clientKeyFile: string;
  ca: Buffer;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/**
 * A throwaway PKI made with the openssl CLI at run time: a CA, the collector's certificate (SAN
 * IP:127.0.0.1, serverAuth) and the sending node's client certificate (clientAuth), as ATNA's mutual TLS
 * needs. Nothing is checked in.
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'audit-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Audit Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
    ['client', 'subjectAltName=DNS:his.test\nextendedKeyUsage=clientAuth\n'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, ['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]);
  }
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem')),
    serverCert: readFileSync(join(dir, 'server.pem')),
    serverKey: readFileSync(join(dir, 'server.key')),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * An ATNA Audit Record Repository stand-in: a TLS server that requires a client certificate from the test
 * CA and splits the stream into RFC 5425 frames. Stopping it closes the listener and every connection, as a
 * collector restart does.
 */
export class TlsSyslogCollector {
  readonly messages: string[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly pki: TestPki) {}

  async start(port = this.port): Promise<void> {
    const server = createServer(
      {
        cert: this.pki.serverCert,
        key: this.pki.serverKey,
        ca: this.pki.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => {
        this.sockets.add(socket);
        const decoder = new OctetCountingDecoder();
        socket.on('data', (chunk: Buffer) => {
          for (const m of decoder.push(chunk)) this.messages.push(m.toString('utf8'));
        });
        socket.on('error', () => undefined);
        socket.on('close', () => this.sockets.delete(socket));
      },
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The seq of every message received (from the structured data), duplicates included. */
  seqs(): number[] {
    return this.messages.map((m) => Number(/ seq="(\d+)"/.exec(m)?.[1] ?? NaN));
  }
}

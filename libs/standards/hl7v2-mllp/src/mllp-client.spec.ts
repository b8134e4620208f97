import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAck, parseHl7 } from '@hosp/standards-hl7v2';
import { delay, selfSignedCertificate, which } from '../test/sockets';
import { encodeMllpFrame, MllpFrameDecoder } from './frame-decoder';
import { MllpClient, MllpClientError } from './mllp-client';
import { MllpServer, type MllpHandler } from './mllp-server';

const message = (id: string): string =>
  `MSH|^~\\&|HIS|BVDKT|LIS|BVDKT|20240315081510+0700||OML^O21^OML_O21|${id}|P|2.5.1|||AL|NE|VNM|UNICODE UTF-8\r` +
  `PID|1||BN24001234^^^BVDKT^MR||TRẦN^THỊ BÍCH NGỌC\rORC|NW|ORD-${id}\r`;

const ackHandler: MllpHandler = async (bytes) => {
  const msg = parseHl7(bytes);
  return buildAck(msg, { code: msg.get('MSH-15') ? 'CA' : 'AA' }).toBuffer();
};

const msa = (reply: Buffer): [string | undefined, string | undefined] => {
  const ack = parseHl7(reply);
  return [ack.get('MSA-1'), ack.get('MSA-2')];
};

/** A bare TCP peer whose behaviour a test scripts frame by frame. */
async function scriptedPeer(
  onMessage: (message: Buffer, socket: net.Socket) => void,
): Promise<{ port: number; server: net.Server; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    const decoder = new MllpFrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) if (e.type === 'message') onMessage(e.message, socket);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, server, sockets };
}

async function stop(peer: { server: net.Server; sockets: net.Socket[] }): Promise<void> {
  for (const s of peer.sockets) s.destroy();
  await new Promise<void>((resolve) => peer.server.close(() => resolve()));
}

describe('MllpClient against our MllpServer', () => {
  let server: MllpServer;
  let port: number;

  beforeEach(async () => {
    server = new MllpServer({ handler: ackHandler });
    ({ port } = await server.listen());
  });

  afterEach(async () => {
    await server.close({ timeoutMs: 1_000 });
  });

  it('sends a message and resolves with the ACK (enhanced mode: CA)', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port });
    expect(client.connected).toBe(false);
    const reply = await client.send(message('OML1'));
    expect(client.connected).toBe(true);
    expect(msa(reply)).toEqual(['CA', 'OML1']);
    await client.close();
    expect(client.connected).toBe(false);
    await expect(client.send(message('AFTER'))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('queues concurrent sends and matches each reply to its message', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port });
    const ids = Array.from({ length: 20 }, (_, i) => `Q${i}`);
    const replies = await Promise.all(ids.map((id) => client.send(message(id))));
    expect(replies.map((r) => msa(r)[1])).toEqual(ids);
    await client.close();
  });

  it('reconnects on the next send after the server dropped the connection', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port });
    const events: string[] = [];
    client.on('connect', () => events.push('connect'));
    client.on('disconnect', () => events.push('disconnect'));
    await client.send(message('R1'));
    await server.close();
    await delay(50);
    expect(client.connected).toBe(false);
    server = new MllpServer({ handler: ackHandler, port });
    await server.listen();
    expect(msa(await client.send(message('R2')))).toEqual(['CA', 'R2']);
    expect(events).toEqual(['connect', 'disconnect', 'connect']);
    await client.close();
  });
});

describe('MllpClient failure handling', () => {
  it('fails with CONNECT after its attempts when nobody listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new MllpClient({
      host: '127.0.0.1',
      port,
      reconnect: { attempts: 3, initialDelayMs: 20 },
    });
    const errors: Error[] = [];
    client.on('connectionError', (e) => errors.push(e));
    const error = await client.send(message('X')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllpClientError);
    expect(error).toMatchObject({ code: 'CONNECT' });
    expect(errors).toHaveLength(3);
  });

  it('times out, drops the connection so a late reply cannot be mistaken, and works again', async () => {
    const peer = await scriptedPeer((bytes, socket) => {
      const msg = parseHl7(bytes);
      const reply = encodeMllpFrame(buildAck(msg, { code: 'AA' }).toBuffer());
      if (msg.controlId === 'LATE') setTimeout(() => socket.write(reply), 300);
      else socket.write(reply);
    });
    const client = new MllpClient({ host: '127.0.0.1', port: peer.port, responseTimeoutMs: 100 });
    const error = await client.send(message('LATE')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    await delay(350);
    expect(msa(await client.send(message('NEXT')))).toEqual(['AA', 'NEXT']);
    client.destroy();
    await stop(peer);
  });

  it('fails the pending send with CLOSED when the peer hangs up without answering', async () => {
    const peer = await scriptedPeer((_bytes, socket) => socket.destroy());
    const client = new MllpClient({ host: '127.0.0.1', port: peer.port });
    await expect(client.send(message('HANGUP'))).rejects.toMatchObject({ code: 'CLOSED' });
    await stop(peer);
  });

  it('fails the pending send with FRAME when the reply is oversize', async () => {
    const peer = await scriptedPeer((_bytes, socket) => socket.write(encodeMllpFrame('X'.repeat(2_000))));
    const client = new MllpClient({ host: '127.0.0.1', port: peer.port, maxMessageBytes: 1_000 });
    await expect(client.send(message('BIG'))).rejects.toMatchObject({ code: 'FRAME' });
    client.destroy();
    await stop(peer);
  });

  it('reports frames nobody asked for as unsolicited', async () => {
    const peer = await scriptedPeer((bytes, socket) => {
      socket.write(encodeMllpFrame(buildAck(parseHl7(bytes), { code: 'AA' }).toBuffer()));
      socket.write(encodeMllpFrame('MSH|^~\\&|PUSH\r'));
    });
    const client = new MllpClient({ host: '127.0.0.1', port: peer.port });
    const unsolicited = new Promise<Buffer>((resolve) => client.on('unsolicited', resolve));
    expect(msa(await client.send(message('U1')))).toEqual(['AA', 'U1']);
    expect((await unsolicited).toString()).toBe('MSH|^~\\&|PUSH\r');
    client.destroy();
    await stop(peer);
  });
});

const certificate = selfSignedCertificate();
const describeTls = certificate ? describe : describe.skip;

describeTls('MLLP over TLS (self-signed certificate made by openssl at test time)', () => {
  it('round-trips a message when the client trusts the certificate', async () => {
    const { key, cert } = certificate!;
    let secure: boolean | undefined;
    const server = new MllpServer({
      tls: { key, cert },
      handler: async (bytes, conn) => {
        secure = conn.secure;
        return ackHandler(bytes, conn);
      },
    });
    const { port } = await server.listen();
    const client = new MllpClient({ host: '127.0.0.1', port, tls: { ca: cert } });
    expect(msa(await client.send(message('TLS1')))).toEqual(['CA', 'TLS1']);
    expect(secure).toBe(true);
    await client.close();
    await server.close();
  });

  it('refuses the connection when the client does not trust the certificate', async () => {
    const { key, cert } = certificate!;
    const server = new MllpServer({ tls: { key, cert }, handler: ackHandler });
    const handshakeErrors: Error[] = [];
    server.on('connectionError', (e) => handshakeErrors.push(e));
    const { port } = await server.listen();
    const client = new MllpClient({ host: '127.0.0.1', port, tls: true, reconnect: { attempts: 1 } });
    const error = await client.send(message('TLS2')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONNECT' });
    expect(String((error as MllpClientError).cause)).toMatch(/self[- ]signed/i);
    await server.close();
  });

  it('requires and reads a client certificate (mutual TLS)', async () => {
    const { key, cert } = certificate!;
    let subject: string | undefined;
    const server = new MllpServer({
      tls: { key, cert, ca: cert, requestCert: true, rejectUnauthorized: true },
      handler: async (bytes, conn) => {
        const cn = conn.peerCertificate?.subject.CN;
        subject = Array.isArray(cn) ? cn[0] : cn;
        return ackHandler(bytes, conn);
      },
    });
    const { port } = await server.listen();
    const client = new MllpClient({ host: '127.0.0.1', port, tls: { ca: cert, key, cert } });
    expect(msa(await client.send(message('MTLS')))).toEqual(['CA', 'MTLS']);
    expect(subject).toBe('mllp-test');
    await client.close();
    await server.close();
  });
});

describeTls('MLLP over TLS: refused client certificates', () => {
  it('reports why and from where a client certificate was refused, and reads nothing from that peer', async () => {
    const server = selfSignedCertificate()!;
    const stranger = selfSignedCertificate()!;
    let handled = 0;
    const listener = new MllpServer({
      tls: { ...server, ca: server.cert, requestCert: true, rejectUnauthorized: true },
      handler: async (bytes, conn) => {
        handled++;
        return ackHandler(bytes, conn);
      },
    });
    const refused = new Promise<[Error, { address?: string }]>((resolve) =>
      listener.once('tlsHandshakeError', (error, remote) => resolve([error, remote])),
    );
    const { port } = await listener.listen();
    const client = new MllpClient({
      host: '127.0.0.1',
      port,
      tls: { ca: server.cert, ...stranger },
      reconnect: { attempts: 1 },
      responseTimeoutMs: 5_000,
    });
    await client.send(message('NOPE')).catch(() => undefined);
    const [error, remote] = await refused;
    expect(error.message).toMatch(/client certificate refused: [A-Z_]+/);
    expect(remote.address).toMatch(/127\.0\.0\.1/);
    expect(handled).toBe(0);
    client.destroy();
    await listener.close();
  });
});

const mllpSend = which('mllp_send');
const describePeer = mllpSend ? describe : describe.skip;

describePeer('python3-hl7 mllp_send (independent peer) -> our MllpServer', () => {
  it('sends a file of framed messages and prints our ACKs', async () => {
    const server = new MllpServer({ handler: ackHandler });
    const { port } = await server.listen();
    const dir = mkdtempSync(join(tmpdir(), 'mllp-send-'));
    const file = join(dir, 'msgs.mllp');
    writeFileSync(file, Buffer.concat([encodeMllpFrame(message('PY1')), encodeMllpFrame(message('PY2'))]));
    try {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(mllpSend!, ['-p', String(port), '-f', file, '127.0.0.1'], { timeout: 20_000 }, (err, out) =>
          err ? reject(err) : resolve(out),
        ),
      );
      expect(stdout).toContain('MSA|CA|PY1');
      expect(stdout).toContain('MSA|CA|PY2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    }
  });
});

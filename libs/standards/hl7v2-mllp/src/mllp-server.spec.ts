import { buildAck, Hl7ValidationError, parseHl7 } from '@hosp/standards-hl7v2';
import { delay, RawPeer } from '../test/sockets';
import { encodeMllpFrame, MLLP, type MllpFrameError } from './frame-decoder';
import { MllpClient } from './mllp-client';
import { MllpServer, type MllpConnection, type MllpHandler } from './mllp-server';

const message = (id: string, name = 'NGUYỄN^VĂN AN'): string =>
  `MSH|^~\\&|cobas|LAB|LIS|BVDKT|20240315103045+0700||ORU^R01^ORU_R01|${id}|P|2.5.1|||||VNM|UNICODE UTF-8\r` +
  `PID|1||BN1^^^BVDKT^MR||${name}\rOBX|1|NM|2823-3^K^LN||5.6|mmol/L|3.5-5.0|H|||F\r`;

/** The platform's real answer: parse, ACK AA with MSA-2 = MSH-10. */
const ackHandler: MllpHandler = async (bytes) => buildAck(parseHl7(bytes), { code: 'AA' }).toBuffer();

const msa = (reply: Buffer): [string | undefined, string | undefined] => {
  const ack = parseHl7(reply);
  return [ack.get('MSA-1'), ack.get('MSA-2')];
};

describe('MllpServer over loopback TCP', () => {
  let server: MllpServer | undefined;
  const peers: RawPeer[] = [];

  afterEach(async () => {
    for (const p of peers.splice(0)) p.socket.destroy();
    await server?.close({ timeoutMs: 1_000 });
    server = undefined;
  });

  async function start(options: Partial<ConstructorParameters<typeof MllpServer>[0]> = {}): Promise<number> {
    server = new MllpServer({ handler: ackHandler, ...options });
    const { port } = await server.listen();
    return port;
  }

  async function peer(port: number): Promise<RawPeer> {
    const p = await RawPeer.connect(port);
    peers.push(p);
    return p;
  }

  it('answers each message with the handler reply, framed', async () => {
    const port = await start();
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('M1')));
    const [reply] = await p.waitForReplies(1);
    expect(msa(reply)).toEqual(['AA', 'M1']);
    expect(parseHl7(reply).getRaw('MSH-5')).toBe('cobas');
  });

  it('reassembles a frame split across writes', async () => {
    const port = await start();
    const p = await peer(port);
    const frame = encodeMllpFrame(message('SPLIT'));
    for (const cut of [
      [0, 1],
      [1, 30],
      [30, frame.length - 1],
      [frame.length - 1, frame.length],
    ]) {
      await p.write(frame.subarray(cut[0], cut[1]));
      await delay(20);
    }
    expect(msa((await p.waitForReplies(1))[0])).toEqual(['AA', 'SPLIT']);
  });

  it('handles several frames of one write strictly in order, one at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    const order: string[] = [];
    const port = await start({
      handler: async (bytes) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const id = parseHl7(bytes).controlId ?? '';
        await delay(Number(id.slice(1)) % 3 === 0 ? 30 : 5);
        order.push(id);
        running--;
        return ackHandler(bytes, undefined as unknown as MllpConnection);
      },
    });
    const p = await peer(port);
    const ids = Array.from({ length: 12 }, (_, i) => `M${i}`);
    await p.write(Buffer.concat(ids.map((id) => encodeMllpFrame(message(id)))));
    const replies = await p.waitForReplies(ids.length);
    expect(replies.map((r) => msa(r)[1])).toEqual(ids);
    expect(order).toEqual(ids);
    expect(maxRunning).toBe(1);
  });

  it('handles two connections independently', async () => {
    const port = await start({
      handler: async (bytes) => {
        if (parseHl7(bytes).controlId === 'SLOW') await delay(300);
        return ackHandler(bytes, undefined as unknown as MllpConnection);
      },
    });
    const slow = await peer(port);
    const fast = await peer(port);
    await slow.write(encodeMllpFrame(message('SLOW')));
    await fast.write(encodeMllpFrame(message('FAST')));
    await fast.waitForReplies(1);
    expect(slow.replies).toHaveLength(0);
    await slow.waitForReplies(1);
  });

  it('survives an oversize frame: reports it, answers it if told how, and carries on', async () => {
    const frameErrors: MllpFrameError[] = [];
    const port = await start({
      maxMessageBytes: 1_000,
      onFrameError: (error) =>
        buildAck(null, {
          code: 'AR',
          errors: [{ code: '207', diagnostics: error.message }],
        }).toBuffer(),
    });
    server!.on('frameError', (e) => frameErrors.push(e));
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('BIG', 'X'.repeat(5_000))));
    await p.write(encodeMllpFrame(message('AFTER')));
    const replies = await p.waitForReplies(2);
    expect(msa(replies[0])[0]).toBe('AR');
    expect(parseHl7(replies[0]).get('ERR-7')).toMatch(/maximum message size of 1000 bytes/);
    expect(msa(replies[1])).toEqual(['AA', 'AFTER']);
    expect(frameErrors.map((e) => e.reason)).toEqual(['oversize']);
    expect(frameErrors[0].head.toString()).toContain('|BIG|');
  });

  it('reports a frame left open when the peer closes as truncated', async () => {
    const port = await start();
    const seen = new Promise<MllpFrameError>((resolve) => server!.on('frameError', resolve));
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('OK')));
    await p.waitForReplies(1);
    await p.write(
      Buffer.concat([Buffer.from([MLLP.START_BLOCK]), Buffer.from(message('HALF')).subarray(0, 50)]),
    );
    p.end();
    const error = await seen;
    expect(error.reason).toBe('truncated');
    expect(error.bytes).toBe(50);
    await p.closed;
  });

  it('ignores junk and empty keep-alive frames between messages', async () => {
    const handled: string[] = [];
    const junk: number[] = [];
    const port = await start({
      handler: async (bytes) => {
        handled.push(parseHl7(bytes).controlId ?? '');
        return ackHandler(bytes, undefined as unknown as MllpConnection);
      },
    });
    server!.on('junk', (n) => junk.push(n));
    const p = await peer(port);
    await p.write(
      Buffer.concat([
        Buffer.from('\r\n'),
        Buffer.from([MLLP.START_BLOCK, MLLP.END_BLOCK, MLLP.CARRIAGE_RETURN]),
        encodeMllpFrame(message('J1')),
        Buffer.from('garbage'),
        encodeMllpFrame(message('J2')),
      ]),
    );
    await p.waitForReplies(2);
    expect(handled).toEqual(['J1', 'J2']);
    expect(junk).toEqual([2, 7]);
  });

  it('keeps the connection when a handler throws, reporting the error and sending the fallback reply', async () => {
    const handlerErrors: unknown[] = [];
    const port = await start({
      handler: async (bytes) => {
        const msg = parseHl7(bytes);
        if (msg.controlId === 'BOOM') throw new Error('database down');
        return buildAck(msg, { code: 'AA' }).toBuffer();
      },
      onHandlerError: (error, bytes) =>
        buildAck(parseHl7(bytes), {
          code: 'AE',
          errors: [{ code: '207', diagnostics: (error as Error).message }],
        }).toBuffer(),
    });
    server!.on('handlerError', (e) => handlerErrors.push(e));
    const p = await peer(port);
    await p.write(Buffer.concat([encodeMllpFrame(message('BOOM')), encodeMllpFrame(message('NEXT'))]));
    const replies = await p.waitForReplies(2);
    expect(msa(replies[0])).toEqual(['AE', 'BOOM']);
    expect(parseHl7(replies[0]).get('ERR-3')).toBe('207');
    expect(msa(replies[1])).toEqual(['AA', 'NEXT']);
    expect(handlerErrors).toHaveLength(1);
  });

  it('lets a handler answer a malformed message with AE/AR naming the fault', async () => {
    const port = await start({
      handler: async (bytes) => {
        try {
          parseHl7(bytes);
          return undefined;
        } catch (e) {
          return buildAck(null, { code: 'AR', errors: [e as Hl7ValidationError] }).toBuffer();
        }
      },
    });
    const p = await peer(port);
    await p.write(encodeMllpFrame('PID|1||X\r'));
    const [reply] = await p.waitForReplies(1);
    const ack = parseHl7(reply);
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.getRaw('ERR-3')).toBe('100^Segment sequence error^HL70357');
  });

  it('closes a connection that stays idle', async () => {
    const port = await start({ idleTimeoutMs: 150 });
    const idle = new Promise<MllpConnection>((resolve) => server!.on('idle', resolve));
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('I1')));
    await p.waitForReplies(1);
    const started = Date.now();
    await idle;
    await p.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('does not close a connection for idleness while its handler runs', async () => {
    const port = await start({
      idleTimeoutMs: 100,
      handler: async (bytes) => {
        await delay(400);
        return ackHandler(bytes, undefined as unknown as MllpConnection);
      },
    });
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('LONG')));
    expect(msa((await p.waitForReplies(1))[0])).toEqual(['AA', 'LONG']);
  });

  it('close() waits for handlers in flight and delivers their replies, then closes the connections', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const port = await start({
      handler: async (bytes) => {
        started();
        await delay(300);
        return ackHandler(bytes, undefined as unknown as MllpConnection);
      },
    });
    const disconnects: number[] = [];
    server!.on('disconnect', (c) => disconnects.push(c.id));
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('INFLIGHT')));
    await handlerStarted;
    const closing = server!.close();
    await closing;
    server = undefined;
    expect(msa(p.replies[0])).toEqual(['AA', 'INFLIGHT']);
    await p.closed;
    expect(disconnects).toEqual([1]);
    await expect(RawPeer.connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('close() cuts connections that are still busy after its timeout', async () => {
    const port = await start({ handler: () => new Promise(() => undefined) });
    const p = await peer(port);
    await p.write(encodeMllpFrame(message('STUCK')));
    await delay(50);
    const t0 = Date.now();
    await server!.close({ timeoutMs: 200 });
    server = undefined;
    expect(Date.now() - t0).toBeLessThan(2_000);
    await p.closed;
    expect(p.replies).toHaveLength(0);
  });

  it('tells the handler about the connection', async () => {
    let seen: MllpConnection | undefined;
    const port = await start({
      handler: async (bytes, conn) => {
        seen = conn;
        return ackHandler(bytes, conn);
      },
    });
    const client = new MllpClient({ host: '127.0.0.1', port });
    await client.send(message('C1'));
    await client.send(message('C2'));
    expect(seen).toMatchObject({ id: 1, remoteAddress: '127.0.0.1', secure: false, received: 2 });
    expect(seen?.peerCertificate).toBeUndefined();
    await client.close();
  });

  it('reports a port already in use when listening', async () => {
    const port = await start();
    const second = new MllpServer({ handler: ackHandler, port });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
  });
});

import { COBAS_QUERY, COBAS_RESULT, records, SYSMEX_XN_RESULT } from '../test/fixtures';
import { ACK, delay, ENQ, EOT, handFrame, NAK, randomChunks, RawPeer } from '../test/raw-peer';
import { AstmServer, type AstmConnection, type AstmServerOptions } from './astm-server';
import { buildQueryResponse, buildWorkOrderMessage } from './builder';
import { encodeAstmFrames } from './frame';
import type { AstmLinkError, AstmTimings } from './link';
import type { AstmMessage } from './message';

const fast: Partial<AstmTimings> = {
  replyTimeoutMs: 1_000,
  receiveTimeoutMs: 150,
  busyRetryDelayMs: 50,
  hostContentionDelayMs: 300,
  instrumentContentionDelayMs: 20,
};

/** Frames for a message given as CR-joined records, built by the hand rule (not the library's encoder). */
function framesOf(text: string, first = 1): Buffer[] {
  const recs = text.split('\r').filter((r) => r !== '');
  return recs.map((r, i) => handFrame((first + i) % 8, r + '\r'));
}

interface Harness {
  server: AstmServer;
  port: number;
  messages: AstmMessage[];
  errors: Error[];
  peers: RawPeer[];
  connect(): Promise<RawPeer>;
}

const open: Harness[] = [];

async function start(options: Partial<AstmServerOptions> = {}): Promise<Harness> {
  const messages: AstmMessage[] = [];
  const errors: Error[] = [];
  const server = new AstmServer({
    timings: fast,
    onMessage: async (m) => {
      messages.push(m);
      return undefined;
    },
    onError: (e) => errors.push(e),
    ...options,
  });
  const { port } = await server.listen();
  const h: Harness = {
    server,
    port,
    messages,
    errors,
    peers: [],
    async connect() {
      const p = await RawPeer.connect(port);
      h.peers.push(p);
      return p;
    },
  };
  open.push(h);
  return h;
}

const codes = (errors: Error[]): string[] => errors.map((e) => (e as AstmLinkError).code ?? e.name);

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await delay(5);
  }
}

afterEach(async () => {
  for (const h of open.splice(0)) {
    for (const p of h.peers) p.destroy();
    await h.server.close({ timeoutMs: 500 });
  }
});

describe('AstmServer: receiving (the analyzer sends, the host receives)', () => {
  it('ACKs ENQ and every frame and hands the message over only after EOT', async () => {
    const h = await start();
    const peer = await h.connect();
    await peer.write(ENQ);
    expect(await peer.control()).toBe('ACK');
    const replies = await peer.sendFrames(framesOf(SYSMEX_XN_RESULT));
    expect(replies.every((r) => r === 'ACK')).toBe(true);
    await delay(30);
    expect(h.messages).toHaveLength(0); // not before EOT
    await peer.write(EOT);
    await until(() => h.messages.length === 1);
    const m = h.messages[0];
    expect(m.header.senderName).toBe('XN-350');
    expect(m.results.map((r) => r.test.code)).toEqual(['WBC', 'RBC', 'HGB', 'PLT', 'SCAT_WDF']);
    expect(m.toString()).toBe(SYSMEX_XN_RESULT);
    expect(h.errors).toEqual([]);
  });

  it('NAKs a frame with a bad checksum, accepts its retransmission, and reports it without closing', async () => {
    const h = await start();
    const peer = await h.connect();
    const frames = framesOf(COBAS_RESULT);
    await peer.write(ENQ);
    expect(await peer.control()).toBe('ACK');
    await peer.write(frames[0]);
    expect(await peer.control()).toBe('ACK');
    const corrupt = handFrame(2, 'P|1\r', true, 'FF');
    await peer.write(corrupt);
    expect(await peer.control()).toBe('NAK');
    await peer.write(frames[1]); // the sender retransmits the same frame
    expect(await peer.control()).toBe('ACK');
    expect(await peer.sendFrames(frames.slice(2))).toEqual(frames.slice(2).map(() => 'ACK'));
    await peer.write(EOT);
    await until(() => h.messages.length === 1);
    expect(h.messages[0].toString()).toBe(COBAS_RESULT);
    expect(codes(h.errors)).toEqual(['CHECKSUM']);
    expect(h.server.connectionCount).toBe(1);
  });

  it('NAKs a wrong frame number; a duplicate of the last frame is ACKed and dropped', async () => {
    const h = await start();
    const peer = await h.connect();
    const frames = framesOf(COBAS_RESULT);
    await peer.write(ENQ);
    await peer.control();
    expect(await peer.sendFrames([frames[0], frames[1]])).toEqual(['ACK', 'ACK']);
    await peer.write(frames[1]); // duplicate: our ACK "was lost"
    expect(await peer.control()).toBe('ACK');
    await peer.write(frames[3]); // skips frame 3
    expect(await peer.control()).toBe('NAK');
    expect(await peer.sendFrames(frames.slice(2))).toEqual(frames.slice(2).map(() => 'ACK'));
    await peer.write(EOT);
    await until(() => h.messages.length === 1);
    expect(h.messages[0].toString()).toBe(COBAS_RESULT); // P|1 once
    expect(codes(h.errors)).toEqual(['FRAME_NUMBER']);
  });

  it('NAKs malformed frames (cut short, no frame number)', async () => {
    const h = await start();
    const peer = await h.connect();
    await peer.write(ENQ);
    await peer.control();
    await peer.write(Buffer.from('\x02H|\\^&\x03AB\r\n', 'latin1'));
    expect(await peer.control()).toBe('NAK');
    await peer.write(Buffer.from('\x021H|\\^&\r\n', 'latin1'));
    expect(await peer.control()).toBe('NAK');
    expect(codes(h.errors)).toEqual(['MALFORMED_FRAME', 'MALFORMED_FRAME']);
  });

  it('without EOT, times out, discards the partial message and keeps the connection usable', async () => {
    const h = await start();
    const peer = await h.connect();
    const frames = framesOf(COBAS_RESULT);
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(frames.slice(0, 3));
    await until(() => h.errors.length === 1, 2_000);
    expect(codes(h.errors)).toEqual(['RECEIVE_TIMEOUT']);
    await peer.write(EOT); // too late: ignored
    await delay(30);
    expect(h.messages).toHaveLength(0);
    // A fresh transmission on the same connection goes through.
    await peer.write(ENQ);
    expect(await peer.control()).toBe('ACK');
    await peer.sendFrames(frames);
    await peer.write(EOT);
    await until(() => h.messages.length === 1);
    expect(h.messages[0].orders[0].specimenId).toBe('2503010001');
  });

  it('replays a transcript (ENQ, frames with their checksums, EOT; two sessions) fed in arbitrary chunks', async () => {
    // A long comment record split over ETB frames, then a second session: frame numbers restart at 1.
    const long = 'C|1|I|' + 'Ghi chú dài '.repeat(40) + '|G';
    const first = [
      ...framesOf(records('H|\\^&|||XN-350^00-14', 'P|1|||BN9|^LÊ^THỊ HOA')),
      ...encodeAstmFrames([Buffer.from(long, 'utf8')], { firstFrameNumber: 3 }),
      handFrame(6, 'L|1|N\r'),
    ];
    expect(first.filter((f) => f[f.length - 5] === 0x17)).toHaveLength(2); // 2 intermediate (ETB) frames
    const transcript = Buffer.concat([ENQ, ...first, EOT, ENQ, ...framesOf(COBAS_RESULT), EOT]);
    const frameCount = first.length + framesOf(COBAS_RESULT).length;
    for (const seed of [1, 2, 3]) {
      const h = await start();
      const peer = await h.connect();
      for (const chunk of randomChunks(transcript, seed, 23)) await peer.write(chunk);
      await until(() => h.messages.length === 2);
      const acks = peer.tokens.filter((t) => t.type === 'control' && t.control === 'ACK');
      expect(acks).toHaveLength(frameCount + 2);
      expect(h.messages[0].patients[0].nameText).toBe('LÊ THỊ HOA');
      expect(h.messages[0].patients[0].comments[0].commentText).toBe('Ghi chú dài '.repeat(40));
      expect(h.messages[1].toString()).toBe(COBAS_RESULT);
      expect(h.errors).toEqual([]);
    }
  });

  it('delivers several messages of one transmission in order, one handler call each', async () => {
    const h = await start();
    const peer = await h.connect();
    const both = SYSMEX_XN_RESULT + COBAS_RESULT;
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(framesOf(both));
    await peer.write(EOT);
    await until(() => h.messages.length === 2);
    expect(h.messages.map((m) => m.header.senderName)).toEqual(['XN-350', 'c311']);
  });

  it('reports a failing handler and a transmission that is not E1394, and goes on', async () => {
    let calls = 0;
    const parseErrors: Buffer[] = [];
    const h = await start({
      onMessage: () => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return undefined;
      },
    });
    h.server.on('parseError', (_e, _c, data) => parseErrors.push(data));
    const peer = await h.connect();
    for (const text of [COBAS_RESULT, 'X|garbage\r', COBAS_RESULT]) {
      await peer.write(ENQ);
      expect(await peer.control()).toBe('ACK');
      await peer.sendFrames(framesOf(text));
      await peer.write(EOT);
    }
    await until(() => calls === 2 && h.errors.length === 2);
    expect(h.errors.map((e) => e.message)).toEqual(['database down', 'no header record (H) in the input']);
    expect(parseErrors.map((b) => b.toString())).toEqual(['X|garbage\r']);
    expect(h.server.connectionCount).toBe(1);
  });

  it('answers ENQ with NAK (busy) while too many messages wait for the handler', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const h = await start({ maxQueuedMessages: 1, onMessage: () => gate.then(() => undefined) });
    const peer = await h.connect();
    for (let i = 0; i < 2; i++) {
      await peer.write(ENQ);
      expect(await peer.control()).toBe('ACK');
      await peer.sendFrames(framesOf(COBAS_RESULT));
      await peer.write(EOT);
    }
    await delay(20);
    await peer.write(ENQ); // one in the handler, one queued: busy
    expect(await peer.control()).toBe('NAK');
    release();
    await delay(20);
    await peer.write(ENQ);
    expect(await peer.control()).toBe('ACK');
  });
});

describe('AstmServer: answering and sending (host query, work orders, contention)', () => {
  const orders = [
    {
      specimenId: '2503010001',
      tests: ['GLU', 'CREA'],
      patient: { practicePatientId: 'BN001', name: ['NGUYỄN', 'VĂN AN'], sex: 'M' },
    },
  ];

  it('answers a host query on the same connection: ENQ, H/P/O/L frames, EOT', async () => {
    const h = await start({
      onMessage: (m) => {
        if (!m.isQuery) return undefined;
        const barcode = m.queries[0].specimenId;
        return buildQueryResponse(m, barcode === '2503010001' ? orders : [], {
          sender: 'LIS',
          timestamp: '20250301100000',
        });
      },
    });
    const peer = await h.connect();
    await peer.write(ENQ);
    expect(await peer.control()).toBe('ACK');
    await peer.sendFrames(framesOf(COBAS_QUERY));
    await peer.write(EOT);
    const answer = (await peer.receiveTransmission()).toString('utf8');
    expect(answer).toBe(
      records(
        'H|\\^&|||LIS|||||c311^1||P|LIS2-A2|20250301100000',
        'P|1|BN001|||NGUYỄN^VĂN AN|||M',
        'O|1|2503010001||^^^GLU\\^^^CREA|R||||||N||||||||||||||Q',
        'L|1|N',
      ),
    );
    // And "no information" for an unknown barcode.
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(framesOf(COBAS_QUERY.replace('2503010001', '9999999999')));
    await peer.write(EOT);
    expect((await peer.receiveTransmission()).toString()).toBe(
      records('H|\\^&|||LIS|||||c311^1||P|LIS2-A2|20250301100000', 'L|1|I'),
    );
  });

  it('retransmits an answer frame the analyzer NAKs, and reports a send the analyzer never takes', async () => {
    const h = await start({
      timings: { ...fast, replyTimeoutMs: 100, maxEnqAttempts: 1 },
      onMessage: (m) => buildQueryResponse(m, orders, { sender: 'LIS' }),
    });
    const peer = await h.connect();
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(framesOf(COBAS_QUERY));
    await peer.write(EOT);
    expect(await peer.control()).toBe('ENQ');
    await peer.write(ACK);
    const first = await peer.next();
    expect(first.type === 'frame' && first.frame.number).toBe(1);
    await peer.write(NAK);
    const again = await peer.next();
    expect(again.type === 'frame' && again.frame.number).toBe(1);
    await peer.write(ACK);
    await peer.next(); // frame 2: we never answer -> the host times out and ends with EOT
    expect(await peer.control(2_000)).toBe('EOT');
    await until(() => h.errors.length === 1);
    expect(codes(h.errors)).toEqual(['REPLY_TIMEOUT']);
  });

  it('pushes work orders to a connected analyzer with connection.send()', async () => {
    const h = await start();
    const peer = await h.connect();
    await until(() => h.server.connections.length === 1);
    const conn: AstmConnection = h.server.connections[0];
    const sent = conn.send(buildWorkOrderMessage(orders, { sender: 'LIS' }));
    const text = (await peer.receiveTransmission()).toString('utf8');
    expect(text).toContain('O|1|2503010001||^^^GLU\\^^^CREA|R||||||N||||||||||||||O\r');
    expect(await sent).toMatchObject({ frames: 4, retransmissions: 0 });
  });

  it('yields on contention: the analyzer wins, the host sends after its backoff', async () => {
    const contention: number[] = [];
    const h = await start();
    h.server.on('contention', (ms) => contention.push(ms));
    const peer = await h.connect();
    await until(() => h.server.connections.length === 1);
    const conn = h.server.connections[0];
    const started = Date.now();
    const sent = conn.send(buildWorkOrderMessage(orders, { sender: 'LIS' }));
    expect(await peer.control()).toBe('ENQ'); // the host wants the line...
    await peer.write(ENQ); // ...and so does the analyzer, at the same time
    await delay(30); // the instrument waits >= 1 s (20 ms here) before its next ENQ
    expect(contention).toEqual([300]);
    await peer.write(ENQ);
    expect(await peer.control()).toBe('ACK'); // the host answers the analyzer's second ENQ
    await peer.sendFrames(framesOf(COBAS_RESULT));
    await peer.write(EOT);
    await until(() => h.messages.length === 1);
    const answer = await peer.receiveTransmission(); // then the host tries again, after 300 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.toString()).toContain('O|1|2503010001');
    expect((await sent).enqAttempts).toBe(1);
  });

  it('encodes per connection: Latin-1 for an instrument configured so, UTF-8 by default', async () => {
    const h = await start({
      encoding: () => 'latin1',
      onMessage: (m) =>
        buildQueryResponse(m, [{ specimenId: 'S1', tests: ['GLU'], patient: { name: ['MÜLLER', 'JOSÉ'] } }], {
          sender: 'LIS',
        }),
    });
    const peer = await h.connect();
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(
      framesOf(records('H|\\^&|||ANALYZER', 'P|1||||GRÄF', 'Q|1|^S1||^^^ALL', 'L|1|N')).map((f) =>
        Buffer.from(f.toString('utf8'), 'latin1'),
      ),
    );
    await peer.write(EOT);
    const answer = await peer.receiveTransmission();
    expect(answer.includes(Buffer.from('MÜLLER^JOSÉ', 'latin1'))).toBe(true);
    expect(answer.includes(Buffer.from('MÜLLER', 'utf8'))).toBe(false);
  });
});

describe('AstmServer: connection life', () => {
  it('closes an idle connection', async () => {
    const h = await start({ idleTimeoutMs: 80 });
    const idle: number[] = [];
    h.server.on('idle', (c) => idle.push(c.id));
    const peer = await h.connect();
    await peer.closed;
    expect(idle).toEqual([1]);
  });

  it('reports a transmission cut off by the analyzer closing the connection', async () => {
    const h = await start();
    const peer = await h.connect();
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(framesOf(COBAS_RESULT).slice(0, 2));
    peer.end();
    await until(() => h.errors.length === 1);
    expect(codes(h.errors)).toEqual(['INCOMPLETE_MESSAGE']);
    expect(h.messages).toHaveLength(0);
  });

  it('closes gracefully: the handler in flight finishes and its answer is delivered first', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const h = await start({
      onMessage: async (m) => {
        await gate;
        return buildQueryResponse(m, [], { sender: 'LIS' });
      },
    });
    const peer = await h.connect();
    await peer.write(ENQ);
    await peer.control();
    await peer.sendFrames(framesOf(COBAS_QUERY));
    await peer.write(EOT);
    await delay(20);
    const closing = h.server.close({ timeoutMs: 3_000 });
    await peer.write(ENQ); // a new transmission is refused while closing
    expect(await peer.control()).toBe('NAK');
    release();
    const answer = await peer.receiveTransmission();
    expect(answer.toString()).toMatch(/L\|1\|I\r$/);
    await closing;
    await peer.closed;
    open.splice(0); // already closed
  });
});

import { handFrame } from '../test/raw-peer';
import { AstmFrameDecoder } from './frame-decoder';
import {
  AstmLink,
  AstmLinkError,
  type AstmLinkOptions,
  type AstmTimings,
  type AstmTransmission,
} from './link';

const fast: Partial<AstmTimings> = {
  replyTimeoutMs: 200,
  receiveTimeoutMs: 200,
  busyRetryDelayMs: 20,
  hostContentionDelayMs: 150,
  instrumentContentionDelayMs: 20,
};

const recs = (...lines: string[]): Buffer[] => lines.map((l) => Buffer.from(l, 'utf8'));
const MESSAGE = recs('H|\\^&|||XN-350', 'P|1|||BN01|^NGUYỄN^VĂN AN', 'O|1|S1||^^^GLU', 'L|1|N');
const JOINED = MESSAGE.map((r) => r.toString('utf8') + '\r').join('');

type Tamper = (bytes: Buffer, index: number) => Buffer | undefined;

/**
 * Two links on a simulated line. Bytes are delivered on the next turn of the event loop, so both sides can
 * send ENQ "at once". A tamper function sees every write of one direction (by index) and may change or
 * drop it. `log` records what travelled: 'I:ENQ', 'H:ACK', 'I:f1', ...
 */
function line(
  options: {
    instrument?: Partial<AstmLinkOptions>;
    host?: Partial<AstmLinkOptions>;
    toHost?: Tamper;
    toInstrument?: Tamper;
  } = {},
) {
  const log: string[] = [];
  const received: { side: 'I' | 'H'; t: AstmTransmission; at: number }[] = [];
  const errors: { side: 'I' | 'H'; e: AstmLinkError }[] = [];
  const start = Date.now();
  const make = (
    side: 'I' | 'H',
    role: 'instrument' | 'host',
    extra: Partial<AstmLinkOptions> | undefined,
    tamper: Tamper | undefined,
  ) => {
    const decoder = new AstmFrameDecoder();
    let n = 0;
    const link: AstmLink = new AstmLink({
      role,
      timings: fast,
      ...extra,
      write: (bytes) => {
        const out = tamper ? tamper(bytes, n++) : bytes;
        if (!out) return;
        for (const t of decoder.push(out)) {
          log.push(
            `${side}:${t.type === 'control' ? t.control : t.type === 'frame' ? `f${t.frame.number}` : t.type}`,
          );
        }
        setImmediate(() => (side === 'I' ? host : instrument).push(out));
      },
    });
    link.on('transmission', (t) => received.push({ side, t, at: Date.now() - start }));
    link.on('linkError', (e) => errors.push({ side, e }));
    return link;
  };
  const instrument = make('I', 'instrument', options.instrument, options.toHost);
  const host = make('H', 'host', options.host, options.toInstrument);
  const close = (): void => {
    instrument.close();
    host.close();
  };
  return { instrument, host, log, received, errors, close, start };
}

const flip = (bytes: Buffer): Buffer => {
  const copy = Buffer.from(bytes);
  copy[3] ^= 0x01; // a text byte: the checksum no longer matches
  return copy;
};
const isFrame = (b: Buffer, fn: number): boolean => b[0] === 0x02 && b[1] === 0x30 + fn;

describe('AstmLink (E1381 / LIS01-A2 data link layer)', () => {
  it('sends a message ENQ, frames, EOT and hands the joined records out at EOT', async () => {
    const l = line();
    const result = await l.instrument.send(MESSAGE);
    expect(result).toEqual({ frames: 4, retransmissions: 0, enqAttempts: 1, interrupted: false });
    await new Promise((r) => setImmediate(r));
    expect(l.log).toEqual([
      'I:ENQ',
      'H:ACK',
      'I:f1',
      'H:ACK',
      'I:f2',
      'H:ACK',
      'I:f3',
      'H:ACK',
      'I:f4',
      'H:ACK',
      'I:EOT',
    ]);
    expect(l.received).toHaveLength(1);
    expect(l.received[0].t.data.toString('utf8')).toBe(JOINED);
    expect(l.received[0].t.frames).toBe(4);
    expect(l.host.idle && l.instrument.idle).toBe(true);
    l.close();
  });

  it('retransmits a frame answered NAK (bad checksum) and the receiver accepts the retransmission', async () => {
    const l = line({ toHost: (b) => (isFrame(b, 2) && !seen.has(2) ? (seen.add(2), flip(b)) : b) });
    const seen = new Set<number>();
    const result = await l.instrument.send(MESSAGE);
    await new Promise((r) => setImmediate(r));
    expect(result.retransmissions).toBe(1);
    expect(l.log.slice(0, 8)).toEqual([
      'I:ENQ',
      'H:ACK',
      'I:f1',
      'H:ACK',
      'I:badFrame',
      'H:NAK',
      'I:f2',
      'H:ACK',
    ]);
    expect(l.errors.map((e) => `${e.side}:${e.e.code}:${e.e.details.frameNumber}`)).toEqual(['H:CHECKSUM:2']);
    expect(l.received[0].t.data.toString('utf8')).toBe(JOINED);
    l.close();
  });

  it('holds the ACK of the terminator frame until the receiver has stored the message, NAKs when it could not', async () => {
    const asked: string[] = [];
    let failFirst = true;
    const l = line({
      host: {
        beforeTerminatorAck: async (records) => {
          asked.push(records.toString('utf8'));
          await new Promise((r) => setTimeout(r, 20)); // a database write
          if (failFirst) {
            failFirst = false;
            return false;
          }
          return true;
        },
      },
    });
    const result = await l.instrument.send(MESSAGE);
    await new Promise((r) => setImmediate(r));
    // The first try at the L frame was refused (storage failed) and retransmitted; the second was stored.
    expect(result.retransmissions).toBe(1);
    expect(l.log.slice(-5)).toEqual(['I:f4', 'H:NAK', 'I:f4', 'H:ACK', 'I:EOT']);
    expect(asked).toEqual([JOINED, JOINED]);
    expect(l.errors.map((e) => `${e.side}:${e.e.code}`)).toEqual(['H:NOT_STORED']);
    expect(l.received).toHaveLength(1);
    expect(l.received[0].t.data.toString('utf8')).toBe(JOINED);
    l.close();
  });

  it('gives up after 6 sends of one frame (§6.5.1.2) with EOT', async () => {
    const l = line({ toHost: (b) => (isFrame(b, 2) ? flip(b) : b) });
    const error = await l.instrument.send(MESSAGE).catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    expect(error).toBeInstanceOf(AstmLinkError);
    expect((error as AstmLinkError).code).toBe('ABORTED');
    expect(l.log.filter((x) => x === 'I:badFrame')).toHaveLength(6);
    expect(l.log.slice(-2)).toEqual(['H:NAK', 'I:EOT']);
    // The receiver saw one complete record before the abort; the upper layer sees an incomplete message.
    expect(l.received[0].t.data.toString('utf8')).toBe('H|\\^&|||XN-350\r');
    l.close();
  });

  it('answers a repeated frame (our ACK was garbled) with ACK and keeps one copy', async () => {
    let garbled = false;
    const l = line({
      // The host's ACK to frame 1 (its 2nd write) arrives as something else: the sender sends frame 1 again.
      toInstrument: (b, i) => (i === 1 && !garbled ? ((garbled = true), Buffer.of(0x15)) : b),
    });
    const result = await l.instrument.send(MESSAGE);
    await new Promise((r) => setImmediate(r));
    expect(result.retransmissions).toBe(1);
    expect(l.log.slice(0, 6)).toEqual(['I:ENQ', 'H:ACK', 'I:f1', 'H:NAK', 'I:f1', 'H:ACK']);
    expect(l.received[0].t.duplicates).toBe(1);
    expect(l.received[0].t.data.toString('utf8')).toBe(JOINED);
    l.close();
  });

  it('notes a receiver interrupt (EOT in place of ACK, §6.3.5) and still finishes the message', async () => {
    const l = line({ toInstrument: (b, i) => (i === 2 ? Buffer.of(0x04) : b) });
    const interrupts: number[] = [];
    l.instrument.on('interrupt', () => interrupts.push(1));
    const result = await l.instrument.send(MESSAGE);
    expect(result.interrupted).toBe(true);
    expect(interrupts).toHaveLength(1);
    l.close();
  });

  it('resolves contention: the instrument wins, the host waits its longer backoff (§6.2.7.1)', async () => {
    const l = line();
    const contention: string[] = [];
    l.instrument.on('contention', (ms) => contention.push(`I:${ms}`));
    l.host.on('contention', (ms) => contention.push(`H:${ms}`));
    const fromHost = l.host.send(recs('H|\\^&|||LIS', 'L|1|N'));
    const fromInstrument = l.instrument.send(MESSAGE);
    const [h, i] = await Promise.all([fromHost, fromInstrument]);
    await new Promise((r) => setImmediate(r)); // the last EOT is still on the line
    expect(contention.sort()).toEqual(['H:150', 'I:20']);
    expect(l.log.slice(0, 2).sort()).toEqual(['H:ENQ', 'I:ENQ']);
    expect(l.received.map((r) => r.side)).toEqual(['H', 'I']); // the host received first
    expect(l.received[1].at).toBeGreaterThanOrEqual(140); // the host sent only after its backoff
    expect(h.enqAttempts).toBe(1);
    expect(i.enqAttempts).toBe(1);
    l.close();
  });

  it('waits and asks again when the receiver answers ENQ with NAK (busy)', async () => {
    let busy = 2;
    const l = line({ host: { canReceive: () => busy-- <= 0 } });
    const result = await l.instrument.send(MESSAGE);
    expect(result.enqAttempts).toBe(3);
    expect(l.log.slice(0, 5)).toEqual(['I:ENQ', 'H:NAK', 'I:ENQ', 'H:NAK', 'I:ENQ']);
    l.close();
  });

  it('fails a send whose ENQ is never answered, with EOT after each timeout', async () => {
    const sent: string[] = [];
    const inst = new AstmLink({
      role: 'instrument',
      timings: { ...fast, replyTimeoutMs: 30, maxEnqAttempts: 2 },
      write: (b) => sent.push(b.toString('hex')),
    });
    const error = (await inst.send(MESSAGE).catch((e: unknown) => e)) as AstmLinkError;
    expect(error.code).toBe('REPLY_TIMEOUT');
    expect(sent).toEqual(['05', '04', '05', '04']);
    inst.close();
  });

  it('times out a silent receiver side (30 s by default) and discards the incomplete message', async () => {
    const writes: string[] = [];
    const host = new AstmLink({ role: 'host', timings: fast, write: (b) => writes.push(b.toString('hex')) });
    const got: AstmTransmission[] = [];
    const errors: AstmLinkError[] = [];
    host.on('transmission', (t) => got.push(t));
    host.on('linkError', (e) => errors.push(e));
    host.push(Buffer.concat([Buffer.of(0x05), handFrame(1, 'H|\\^&\r'), handFrame(2, 'P|1\r')]));
    expect(host.state).toBe('receiving');
    await new Promise((r) => setTimeout(r, 260));
    expect(host.state).toBe('neutral');
    expect(errors.map((e) => e.code)).toEqual(['RECEIVE_TIMEOUT']);
    host.push(Buffer.of(0x04)); // a late EOT: ignored in neutral
    expect(got).toEqual([]);
    // The line works again afterwards.
    host.push(
      Buffer.concat([Buffer.of(0x05), handFrame(1, 'H|\\^&\r'), handFrame(2, 'L|1|N\r'), Buffer.of(0x04)]),
    );
    expect(got.map((t) => t.data.toString())).toEqual(['H|\\^&\rL|1|N\r']);
    expect(writes).toEqual(['06', '06', '06', '06', '06', '06']);
    host.close();
  });

  it('NAKs a wrong frame number and a frame without ENQ is reported, not answered', () => {
    const writes: string[] = [];
    const host = new AstmLink({ role: 'host', timings: fast, write: (b) => writes.push(b.toString('hex')) });
    const errors: string[] = [];
    host.on('linkError', (e) => errors.push(e.code));
    host.push(handFrame(1, 'H|\\^&\r'));
    expect(writes).toEqual([]);
    host.push(
      Buffer.concat([
        Buffer.of(0x05),
        handFrame(2, 'H|\\^&\r'),
        handFrame(1, 'H|\\^&\r'),
        handFrame(3, 'L|1|N\r'),
      ]),
    );
    expect(writes).toEqual(['06', '15', '06', '15']);
    expect(errors).toEqual(['PROTOCOL', 'FRAME_NUMBER', 'FRAME_NUMBER']);
    host.close();
  });

  it('discards a record left unfinished by EOT after an ETB frame', () => {
    const host = new AstmLink({ role: 'host', timings: fast, write: () => undefined });
    const got: string[] = [];
    const errors: string[] = [];
    host.on('transmission', (t) => got.push(t.data.toString()));
    host.on('linkError', (e) => errors.push(e.code));
    host.push(
      Buffer.concat([
        Buffer.of(0x05),
        handFrame(1, 'H|\\^&\r'),
        handFrame(2, 'C|1|L|abc', false),
        Buffer.of(0x04),
      ]),
    );
    expect(got).toEqual(['H|\\^&\r']);
    expect(errors).toEqual(['INCOMPLETE_MESSAGE']);
    host.close();
  });

  it('fails what is queued when closed', async () => {
    const link = new AstmLink({ role: 'host', timings: fast, write: () => undefined });
    const p = link.send(MESSAGE);
    link.close();
    await expect(p).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(link.send(MESSAGE)).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

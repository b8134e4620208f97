import {
  encodeMllpFrame,
  FRAME_HEAD_BYTES,
  MLLP,
  MllpFrameDecoder,
  MllpFrameError,
  type MllpDecoderEvent,
} from './frame-decoder';

const MSG_A =
  'MSH|^~\\&|LIS|LAB|HIS|BV|20240315||ORU^R01^ORU_R01|A1|P|2.5.1|||||VNM|UNICODE UTF-8\rPID|1||1||NGUYỄN^VĂN AN\r';
const MSG_B = 'MSH|^~\\&|LIS|LAB|HIS|BV|20240315||ORU^R01^ORU_R01|B2|P|2.5.1\rPID|1||2||TRẦN^THỊ BÍCH NGỌC\r';

const messages = (events: MllpDecoderEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'message' ? [e.message.toString('utf8')] : []));
const errors = (events: MllpDecoderEvent[]): MllpFrameError[] =>
  events.flatMap((e) => (e.type === 'error' ? [e.error] : []));

describe('encodeMllpFrame (HL7 v2.5.1 Appendix C, MLLP)', () => {
  it('wraps a message in <SB> ... <EB><CR>', () => {
    const frame = encodeMllpFrame('MSH|x\r');
    expect([...frame]).toEqual([0x0b, ...Buffer.from('MSH|x\r'), 0x1c, 0x0d]);
    expect(encodeMllpFrame(Buffer.from(MSG_A)).subarray(1, -2).toString()).toBe(MSG_A);
  });
});

describe('MllpFrameDecoder', () => {
  it('decodes one frame in one chunk', () => {
    const d = new MllpFrameDecoder();
    expect(messages(d.push(encodeMllpFrame(MSG_A)))).toEqual([MSG_A]);
    expect(d.inFrame).toBe(false);
    expect(d.end()).toEqual([]);
  });

  it('decodes a frame split at every possible byte, including between <EB> and <CR>', () => {
    const frame = encodeMllpFrame(MSG_A);
    for (let cut = 1; cut < frame.length; cut++) {
      const d = new MllpFrameDecoder();
      const events = [...d.push(frame.subarray(0, cut)), ...d.push(frame.subarray(cut))];
      expect(messages(events)).toEqual([MSG_A]);
      expect(events.filter((e) => e.type !== 'message')).toEqual([]);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = Buffer.concat([encodeMllpFrame(MSG_A), encodeMllpFrame(MSG_B), encodeMllpFrame(MSG_A)]);
    const d = new MllpFrameDecoder();
    const events: MllpDecoderEvent[] = [];
    for (const byte of stream) events.push(...d.push(Buffer.from([byte])));
    expect(messages(events)).toEqual([MSG_A, MSG_B, MSG_A]);
  });

  it('decodes several frames in one chunk, in order', () => {
    const d = new MllpFrameDecoder();
    const chunk = Buffer.concat([encodeMllpFrame(MSG_A), encodeMllpFrame(MSG_B), encodeMllpFrame(MSG_A)]);
    expect(messages(d.push(chunk))).toEqual([MSG_A, MSG_B, MSG_A]);
  });

  it('drops and reports junk between frames and keeps going', () => {
    const d = new MllpFrameDecoder();
    const chunk = Buffer.concat([
      Buffer.from('noise'),
      encodeMllpFrame(MSG_A),
      Buffer.from('\r\n'),
      encodeMllpFrame(MSG_B),
    ]);
    const events = d.push(chunk);
    expect(messages(events)).toEqual([MSG_A, MSG_B]);
    expect(events.filter((e) => e.type === 'junk')).toEqual([
      { type: 'junk', bytes: 5 },
      { type: 'junk', bytes: 2 },
    ]);
  });

  it('tolerates an end block without its CR', () => {
    const d = new MllpFrameDecoder();
    const chunk = Buffer.concat([
      Buffer.from([MLLP.START_BLOCK]),
      Buffer.from(MSG_A),
      Buffer.from([MLLP.END_BLOCK]),
      encodeMllpFrame(MSG_B),
    ]);
    expect(messages(d.push(chunk))).toEqual([MSG_A, MSG_B]);
  });

  it('reports an oversize frame once, drops it, and decodes the next frame', () => {
    const d = new MllpFrameDecoder({ maxMessageBytes: 100 });
    const big = 'MSH|^~\\&|' + 'X'.repeat(500) + '\r';
    const events = d.push(Buffer.concat([encodeMllpFrame(big), encodeMllpFrame('MSH|small\r')]));
    const [error] = errors(events);
    expect(errors(events)).toHaveLength(1);
    expect(error.reason).toBe('oversize');
    expect(error.limit).toBe(100);
    expect(error.message).toMatch(/maximum message size of 100 bytes/);
    expect(error.head.toString().startsWith('MSH|^~\\&|XXX')).toBe(true);
    expect(messages(events)).toEqual(['MSH|small\r']);
  });

  it('reports an oversize frame that spans many chunks without buffering it', () => {
    const d = new MllpFrameDecoder({ maxMessageBytes: 1000 });
    const events: MllpDecoderEvent[] = [...d.push(Buffer.from([MLLP.START_BLOCK]))];
    for (let i = 0; i < 100; i++) events.push(...d.push(Buffer.alloc(10_000, 0x41)));
    events.push(...d.push(Buffer.from([MLLP.END_BLOCK, MLLP.CARRIAGE_RETURN])));
    events.push(...d.push(encodeMllpFrame(MSG_A)));
    expect(errors(events).map((e) => [e.reason, e.head.length])).toEqual([['oversize', FRAME_HEAD_BYTES]]);
    expect(messages(events)).toEqual([MSG_A]);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const d = new MllpFrameDecoder({ maxMessageBytes: 10 });
    expect(messages(d.push(encodeMllpFrame('0123456789')))).toEqual(['0123456789']);
  });

  it('reports a frame that has no end block when the connection closes as truncated', () => {
    const d = new MllpFrameDecoder();
    const frame = encodeMllpFrame(MSG_A);
    expect(d.push(frame.subarray(0, 40))).toEqual([]);
    expect(d.inFrame).toBe(true);
    const [event] = d.end();
    expect(event.type).toBe('error');
    const error = (event as { error: MllpFrameError }).error;
    expect(error.reason).toBe('truncated');
    expect(error.bytes).toBe(39);
    expect(error.head.toString()).toBe(MSG_A.slice(0, 39));
    expect(d.end()).toEqual([]);
  });

  it('reports a frame cut short by the next start block as truncated and decodes the next one', () => {
    const d = new MllpFrameDecoder();
    const chunk = Buffer.concat([
      Buffer.from([MLLP.START_BLOCK]),
      Buffer.from('MSH|lost'),
      encodeMllpFrame(MSG_B),
    ]);
    const events = d.push(chunk);
    expect(errors(events).map((e) => [e.reason, e.head.toString()])).toEqual([['truncated', 'MSH|lost']]);
    expect(messages(events)).toEqual([MSG_B]);
  });

  it('hands out an empty frame as an empty message', () => {
    const d = new MllpFrameDecoder();
    expect(d.push(Buffer.from([MLLP.START_BLOCK, MLLP.END_BLOCK, MLLP.CARRIAGE_RETURN]))).toEqual([
      { type: 'message', message: Buffer.alloc(0) },
    ]);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new MllpFrameDecoder({ maxMessageBytes: 0 })).toThrow(RangeError);
  });
});

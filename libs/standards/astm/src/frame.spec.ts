import { handFrame, sameChecksum } from '../test/raw-peer';
import {
  ASTM,
  astmChecksum,
  encodeAstmFrame,
  encodeAstmFrames,
  MAX_FRAME_TEXT,
  nextFrameNumber,
} from './frame';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('checksum (E1381 §6.3.3 / LIS01-A2: sum of FN..ETB/ETX mod 256, two uppercase hex digits)', () => {
  it('matches sums worked out by hand', () => {
    // '1' 0x31 + 'L' 0x4C + '|' 0x7C + '1' 0x31 + '|' 0x7C + 'N' 0x4E + CR 0x0D + ETX 0x03 = 0x204 -> 0x04
    expect(astmChecksum(bytes('1L|1|N\r\x03'))).toBe('04');
    // Same text as frame 3: two more -> 0x206 -> 0x06
    expect(astmChecksum(bytes('3L|1|N\r\x03'))).toBe('06');
    // As an intermediate frame: ETB 0x17 instead of ETX 0x03 -> 0x218 -> 0x18
    expect(astmChecksum(bytes('1L|1|N\r\x17'))).toBe('18');
    // Frame 0 'L|1|N' -> 0x203 -> "03": the last frame of a real Sysmex XN-550 transcript
    // (senaite.astm tests/data/sysmex_xn550.txt, "0L|1|N" / "03"), checked against it.
    expect(astmChecksum(bytes('0L|1|N\r\x03'))).toBe('03');
  });

  it('writes uppercase hex and wraps modulo 256', () => {
    expect(astmChecksum(Buffer.of(0xff, 0x01))).toBe('00');
    expect(astmChecksum(Buffer.of(0x7a))).toBe('7A');
    expect(astmChecksum(Buffer.of(0xff, 0xff, 0xff))).toBe('FD');
    expect(astmChecksum(Buffer.alloc(0))).toBe('00');
  });

  it('agrees with the hand rule on analyzer-shaped frames', () => {
    const sysmexHeader = '1H|\\^&|||XN-350^00-14^11001^^^^12345678||||||||E1394-97\r\x03';
    const cobasOrder = '3O|1|2503010001||^^^GLU\\^^^CREA|R||||||N||||||||||||||O\r\x03';
    for (const f of [sysmexHeader, cobasOrder]) expect(sameChecksum(bytes(f))).toBe(true);
    // Pinned, so a change in the routine cannot go unnoticed:
    expect(astmChecksum(bytes(sysmexHeader))).toBe('14');
    expect(astmChecksum(bytes(cobasOrder))).toBe('4D');
  });

  it('builds the frame bytes: <STX> FN text <ETX> C1 C2 <CR><LF>', () => {
    const f = encodeAstmFrame(1, 'L|1|N\r', true);
    expect(f.toString('latin1')).toBe('\x021L|1|N\r\x0304\r\n');
    expect(f).toEqual(handFrame(1, 'L|1|N\r'));
    expect(encodeAstmFrame(1, 'L|1|N\r', false).toString('latin1')).toBe('\x021L|1|N\r\x1718\r\n');
    expect(() => encodeAstmFrame(8, 'x', true)).toThrow(RangeError);
  });
});

describe('encodeAstmFrames', () => {
  it('sends each record in its own end frame, numbering 1..7 then 0 across records', () => {
    const recs = Array.from({ length: 10 }, (_, i) => bytes(`R|${i + 1}|^^^T${i}|1`));
    const frames = encodeAstmFrames(recs);
    expect(frames.map((f) => String.fromCharCode(f[1]))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '0',
      '1',
      '2',
    ]);
    expect(frames.every((f) => f[f.length - 5] === ASTM.ETX)).toBe(true);
    expect(frames[7]).toEqual(handFrame(0, 'R|8|^^^T7|1\r'));
    expect(nextFrameNumber(7)).toBe(0);
    expect(nextFrameNumber(0)).toBe(1);
  });

  it('splits a record over 240 characters into intermediate ETB frames and one ETX frame', () => {
    const long = 'C|1|L|' + 'X'.repeat(600);
    const frames = encodeAstmFrames([bytes('H|\\^&'), bytes(long), bytes('L|1|N')]);
    // H, then 607 bytes (record + CR) = 240 + 240 + 127, then L
    expect(frames).toHaveLength(5);
    expect(frames.map((f) => f.length)).toEqual([7 + 6, 247, 247, 7 + 127, 7 + 6]);
    expect(frames[1][frames[1].length - 5]).toBe(ASTM.ETB);
    expect(frames[2][frames[2].length - 5]).toBe(ASTM.ETB);
    expect(frames[3][frames[3].length - 5]).toBe(ASTM.ETX);
    const text = Buffer.concat(frames.slice(1, 4).map((f) => f.subarray(2, f.length - 5))).toString('latin1');
    expect(text).toBe(long + '\r');
    expect(Math.max(...frames.map((f) => f.length))).toBeLessThanOrEqual(7 + MAX_FRAME_TEXT);
  });

  it('cuts by bytes, so a UTF-8 character may straddle two frames (joined before decoding)', () => {
    const rec = Buffer.from('P|1||' + 'Ễ'.repeat(100), 'utf8'); // 5 + 300 bytes
    const frames = encodeAstmFrames([rec]);
    expect(frames).toHaveLength(2);
    const joined = Buffer.concat(frames.map((f) => f.subarray(2, f.length - 5)));
    expect(joined.toString('utf8')).toBe('P|1||' + 'Ễ'.repeat(100) + '\r');
  });

  it('honours a smaller frame size and a starting frame number', () => {
    const frames = encodeAstmFrames([bytes('ABCDEFGHIJ')], { maxTextLength: 4, firstFrameNumber: 6 });
    expect(frames.map((f) => f.toString('latin1'))).toEqual([
      handFrame(6, 'ABCD', false).toString('latin1'),
      handFrame(7, 'EFGH', false).toString('latin1'),
      handFrame(0, 'IJ\r', true).toString('latin1'),
    ]);
  });

  it('refuses restricted characters (§6.6.2) and CR inside a record', () => {
    expect(() => encodeAstmFrames([bytes('C|1|L|a\rb')])).toThrow(/0x0d/);
    expect(() => encodeAstmFrames([bytes('C|1|L|a\nb')])).toThrow(/0x0a/);
    expect(() => encodeAstmFrames([bytes('C|1|L|a\x03b')])).toThrow(/0x03/);
    expect(() => encodeAstmFrames([bytes('C|1|L|tab\tok')])).not.toThrow();
  });
});

import { handFrame, randomChunks } from '../test/raw-peer';
import { AstmFrameDecoder, type AstmToken } from './frame-decoder';

const feed = (decoder: AstmFrameDecoder, chunks: Buffer[]): AstmToken[] =>
  chunks.flatMap((c) => decoder.push(c));
const describeToken = (t: AstmToken): string =>
  t.type === 'control'
    ? t.control
    : t.type === 'frame'
      ? `frame${t.frame.number}${t.frame.final ? '' : '+'}:${t.frame.text.toString('latin1')}`
      : t.type === 'badFrame'
        ? `bad:${t.error.reason}`
        : `junk:${t.bytes}`;

describe('AstmFrameDecoder', () => {
  const session = Buffer.concat([
    Buffer.of(0x05),
    handFrame(1, 'H|\\^&\r'),
    handFrame(2, 'P|1\r'),
    handFrame(3, 'C|1|L|ab', false),
    handFrame(4, 'cd\r'),
    handFrame(5, 'L|1|N\r'),
    Buffer.of(0x04),
  ]);
  const expected = [
    'ENQ',
    'frame1:H|\\^&\r',
    'frame2:P|1\r',
    'frame3+:C|1|L|ab',
    'frame4:cd\r',
    'frame5:L|1|N\r',
    'EOT',
  ];

  it('reads a whole session in one chunk', () => {
    expect(new AstmFrameDecoder().push(session).map(describeToken)).toEqual(expected);
  });

  it('reads the same session byte by byte and in random chunks', () => {
    const one = [...session].map((b) => Buffer.of(b));
    expect(feed(new AstmFrameDecoder(), one).map(describeToken)).toEqual(expected);
    for (let seed = 1; seed <= 50; seed++) {
      expect(feed(new AstmFrameDecoder(), randomChunks(session, seed)).map(describeToken)).toEqual(expected);
    }
  });

  it('reports a bad checksum with the frame number, and accepts lowercase hex', () => {
    const bad = handFrame(2, 'P|1\r', true, '00');
    const [t] = new AstmFrameDecoder().push(bad);
    expect(t.type).toBe('badFrame');
    if (t.type === 'badFrame') {
      expect(t.error.reason).toBe('checksum');
      expect(t.error.frameNumber).toBe(2);
    }
    const good = handFrame(1, 'L|1|N\r\u00fe'); // checksum with a letter
    const lower = Buffer.from(
      good.toString('latin1').replace(/([0-9A-F]{2})\r\n$/, (m) => m.toLowerCase()),
      'latin1',
    );
    expect(new AstmFrameDecoder().push(lower).map((x) => x.type)).toEqual(['frame']);
  });

  it('treats a frame cut short by a control character as truncated and then handles the character', () => {
    const cut = Buffer.concat([Buffer.from('\x021H|\\^', 'latin1'), Buffer.of(0x04)]);
    expect(new AstmFrameDecoder().push(cut).map(describeToken)).toEqual(['bad:truncated', 'EOT']);
    const restart = Buffer.concat([Buffer.from('\x021H|', 'latin1'), handFrame(1, 'H|\\^&\r')]);
    expect(new AstmFrameDecoder().push(restart).map(describeToken)).toEqual([
      'bad:truncated',
      'frame1:H|\\^&\r',
    ]);
  });

  it('reports malformed frames: LF before ETX, no frame number, bad trailer', () => {
    const d = new AstmFrameDecoder();
    expect(d.push(Buffer.from('\x021H|\\^&\r\n', 'latin1')).map(describeToken)).toEqual(['bad:malformed']);
    expect(d.push(Buffer.from('\x02H|\x03A1\r\n', 'latin1')).map(describeToken)).toEqual(['bad:malformed']);
    expect(d.push(Buffer.from('\x021L\x03XYZW', 'latin1')).map(describeToken)).toEqual([
      'bad:malformed',
      'junk:1',
    ]);
    // still in sync afterwards
    expect(d.push(handFrame(2, 'L|1|N\r')).map(describeToken)).toEqual(['frame2:L|1|N\r']);
  });

  it('tolerates a missing CR before the LF', () => {
    const f = handFrame(1, 'L|1|N\r');
    const noCr = Buffer.concat([f.subarray(0, f.length - 2), Buffer.of(0x0a)]);
    expect(new AstmFrameDecoder().push(noCr).map(describeToken)).toEqual(['frame1:L|1|N\r']);
  });

  it('reports junk between frames and accepts frames longer than 240 up to maxFrameBytes', () => {
    const d = new AstmFrameDecoder({ maxFrameBytes: 300 });
    const big = handFrame(1, 'C|1|L|' + 'x'.repeat(280) + '\r');
    expect(d.push(Buffer.concat([Buffer.from('\r\n'), big])).map((t) => t.type)).toEqual(['junk', 'frame']);
    const tooBig = handFrame(2, 'C|1|L|' + 'x'.repeat(400) + '\r');
    const tokens = feed(d, randomChunks(tooBig, 7, 50));
    expect(tokens.map(describeToken)).toEqual(['bad:oversize']);
  });
});

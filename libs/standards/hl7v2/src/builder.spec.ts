import { fixture, FIXTURES } from '../test/fixtures';
import { Hl7Builder, raw, repeat } from './builder';
import { parseHl7 } from './parser';

const header = {
  sendingApplication: 'HIS',
  sendingFacility: 'BVDKT',
  receivingApplication: 'LIS',
  receivingFacility: 'BVDKT',
  dateTime: '20240315081510+0700',
  messageType: 'OML^O21^OML_O21',
  controlId: 'HIS-OML-004512',
  version: '2.5.1',
  acceptAckType: 'AL',
  applicationAckType: 'NE',
  countryCode: 'VNM',
  charset: 'UNICODE UTF-8',
} as const;

describe('Hl7Builder (HL7 v2.5.1 §2.6 construction rules)', () => {
  it('builds the OML^O21 of the fixture segment by segment, byte for byte', () => {
    const built = new Hl7Builder()
      .msh(header)
      .segment('PID', {
        1: 1,
        3: ['BN24001234', '', '', 'BVDKT', 'MR'],
        5: ['NGUYỄN', 'VĂN AN', '', '', '', '', 'L'],
        7: '19850412',
        8: 'M',
      })
      .segment('PV1', [1, 'O', ['KKB', 'P101', '1', 'BVDKT']])
      .segment('ORC', {
        1: 'NW',
        2: 'ORD24-88812',
        4: 'GRP24-5521',
        9: '20240315081500+0700',
        12: ['BS001', 'TRẦN', 'MINH TUẤN'],
      })
      .segment('TQ1', { 1: 1, 9: ['R', 'Routine', 'HL70485'] })
      .segment('OBR', [1, 'ORD24-88812', '', ['BIOCHEM', 'Sinh hóa máu', 'L']])
      .segment('SPM', { 1: 1, 2: 'SPM24-0045121', 4: ['SER', 'Serum', 'HL70487'], 17: '20240315083000+0700' })
      .segment('ORC', {
        1: 'NW',
        2: 'ORD24-88813',
        4: 'GRP24-5521',
        9: '20240315081500+0700',
        12: ['BS001', 'TRẦN', 'MINH TUẤN'],
      })
      .segment('TQ1', { 1: 1, 9: ['S', 'Stat', 'HL70485'] })
      .segment('OBR', [2, 'ORD24-88813', '', ['58410-2', 'CBC panel - Blood by Automated count', 'LN']])
      .segment('SPM', {
        1: 1,
        2: 'SPM24-0045122',
        4: ['BLD', 'Whole blood', 'HL70487'],
        17: '20240315083000+0700',
      });
    expect(built.toBuffer()).toEqual(fixture(FIXTURES.omlO21));
  });

  it('escapes delimiters in data so that they read back as written', () => {
    const note = 'K^Na | Cl~Ca & Mg \\ dòng 1\rdòng 2';
    const msg = new Hl7Builder()
      .msh({ ...header, messageType: ['ORU', 'R01', 'ORU_R01'] })
      .segment('OBX', { 1: 1, 2: 'TX', 3: ['NOTE', 'Ghi chú'], 5: note })
      .segment('NTE', { 3: [['a&b', 'c^d'], 'e~f'] })
      .build();
    expect(msg.getRaw('OBX-5')).toBe('K\\S\\Na \\F\\ Cl\\R\\Ca \\T\\ Mg \\E\\ dòng 1\\X0D\\dòng 2');
    expect(msg.get('OBX-5')).toBe(note);
    expect(msg.get('NTE-3-1-1')).toBe('a&b');
    expect(msg.get('NTE-3-1-2')).toBe('c^d');
    expect(msg.get('NTE-3-2')).toBe('e~f');
    expect(msg.segments).toHaveLength(3);
  });

  it('writes repetitions, numbers, the HL7 null, raw text, and drops trailing empties (§2.6), null per §2.5.3', () => {
    const text = new Hl7Builder()
      .msh({ ...header, dateTime: '20240315' })
      .segment('PID', {
        1: 1,
        3: repeat(['BN1', '', '', 'BVDKT', 'MR'], ['0790', '', '', 'BCA', 'NNVNM']),
        5: null,
        6: raw('A^B'),
        7: '',
        8: undefined,
      })
      .segment('ZXT', [undefined, 12.5, ['x', '', ''], ''])
      .toString();
    const lines = text.split('\r');
    expect(lines[1]).toBe('PID|1||BN1^^^BVDKT^MR~0790^^^BCA^NNVNM||""|A^B');
    expect(lines[2]).toBe('ZXT||12.5|x');
    expect(text.endsWith('\r')).toBe(true);
    expect(text).not.toContain('\n');
  });

  it('writes the MSH with MSH-1 and MSH-2 unescaped, defaults MSH-7 to now and MSH-11 to P', () => {
    const before = new Date();
    const msg = new Hl7Builder().msh({ messageType: 'ADT^A01', controlId: 'X1', version: '2.3' }).build();
    expect(msg.msh.raw).toMatch(/^MSH\|\^~\\&\|\|\|\|\|\d{14}[+-]\d{4}\|\|ADT\^A01\|X1\|P\|2\.3$/);
    expect(msg.get('MSH-7')?.slice(0, 4)).toBe(String(before.getFullYear()));
  });

  it('writes with other delimiters', () => {
    const b = new Hl7Builder({ separators: { field: '#', component: '@', escape: '$' } });
    const msg = b
      .msh({ messageType: 'ORU^R01', controlId: 'X', version: '2.3', dateTime: '2024' })
      .segment('PID', { 5: ['A#B', 'C@D$E'] })
      .build();
    expect(msg.msh.raw).toBe('MSH#@~$&#####2024##ORU@R01#X#P#2.3');
    expect(msg.getRaw('PID-5')).toBe('A$F$B@C$S$D$E$E');
    expect(msg.get('PID-5-2')).toBe('C@D$E');
  });

  it('encodes toBuffer() in the MSH-18 character set', () => {
    const b = new Hl7Builder()
      .msh({ messageType: 'ADT^A01', controlId: 'X', version: '2.3', dateTime: '2024', charset: '8859/1' })
      .segment('PID', { 5: ['MÜLLER', 'HÉLÈNE'] });
    const bytes = b.toBuffer();
    expect(bytes.includes(Buffer.from('MÜLLER', 'latin1'))).toBe(true);
    expect(parseHl7(bytes).get('PID-5-2')).toBe('HÉLÈNE');
  });

  it('copies received segments verbatim with rawSegment()', () => {
    const received = parseHl7(fixture(FIXTURES.adtA01));
    const b = new Hl7Builder().msh({
      messageType: 'ADT^A01^ADT_A01',
      controlId: 'COPY',
      version: '2.5',
      dateTime: '2024',
    });
    for (const s of received.segments.slice(1)) b.rawSegment(s.raw);
    const copy = b.build();
    expect(copy.segments.slice(1).map((s) => s.raw)).toEqual(received.segments.slice(1).map((s) => s.raw));
    expect(copy.get('ZPV-3')).toBe('Khám bệnh BHYT | đúng tuyến');
  });

  it('refuses misuse', () => {
    expect(() => new Hl7Builder().segment('PID', [])).toThrow(/msh\(\) must come first/);
    const b = new Hl7Builder().msh({ messageType: 'ADT^A01', controlId: 'X', version: '2.5' });
    expect(() => b.msh({ messageType: 'ADT^A01', controlId: 'X', version: '2.5' })).toThrow(/only once/);
    expect(() => b.segment('pid', [])).toThrow(/segment ID/);
    expect(() => b.segment('MSH', [])).toThrow(/use msh\(\)/);
    expect(() => b.segment('PID', { 0: 'x' })).toThrow(/field number/);
    expect(() => b.rawSegment('PID|1\rOBX|1')).toThrow(/CR or LF/);
    expect(() =>
      new Hl7Builder().msh({ messageType: 'A', controlId: 'X', version: '2.5', charset: 'KLINGON' }),
    ).toThrow(/MSH-18/);
  });
});

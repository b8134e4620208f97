import { fixture, FIXTURES } from '../test/fixtures';
import { Hl7ValidationError } from './errors';
import { HL7_NULL } from './message';
import { parseHl7 } from './parser';
import { Hl7PathError } from './path';

describe('parseHl7: a lab analyzer ORU^R01 v2.5.1 (20 NM results + eGFR, UTF-8)', () => {
  const bytes = fixture(FIXTURES.oruChemistry);
  const msg = parseHl7(bytes);

  it('reads the header, with the MSH numbering of the standard (MSH-1 is the separator)', () => {
    expect(msg.get('MSH-1')).toBe('|');
    expect(msg.get('MSH-2')).toBe('^~\\&');
    expect(msg.get('MSH-3')).toBe('cobas c311');
    expect(msg.getRaw('MSH-3')).toBe('cobas c311^0000000001^L');
    expect(msg.get('MSH-9')).toBe('ORU');
    expect(msg.get('MSH-9-2')).toBe('R01');
    expect(msg.getRaw('MSH-9')).toBe('ORU^R01^ORU_R01');
    expect([msg.messageType, msg.triggerEvent, msg.messageStructure]).toEqual(['ORU', 'R01', 'ORU_R01']);
    expect(msg.controlId).toBe('C311-000482');
    expect(msg.processingId).toBe('P');
    expect(msg.version).toBe('2.5.1');
    expect(msg.charset).toEqual({ declared: 'UNICODE UTF-8', encoding: 'utf8' });
  });

  it('reads Vietnamese names, repetitions and components', () => {
    expect(msg.get('PID-5')).toBe('NGUYỄN');
    expect(msg.get('PID-5-2')).toBe('VĂN AN');
    expect(msg.get('PID-3-1')).toBe('BN24001234');
    expect(msg.get('PID-3(2)-1')).toBe('079085001234');
    expect(msg.get('PID-3(2)-4')).toBe('BCA');
    expect(msg.getAll('PID-3-5')).toEqual(['MR', 'NNVNM']);
    expect(msg.get('PID-11-4')).toBe('TP. Hồ Chí Minh');
    expect(msg.get('OBR-16-2')).toBe('TRẦN');
  });

  it('counts OBX message-wide with OBX[n]', () => {
    expect(msg.getSegments('OBX')).toHaveLength(21);
    expect(msg.get('OBX-3')).toBe('1558-6');
    expect(msg.get('OBX[3]-3-4')).toBe('CREA');
    expect(msg.get('OBX[3]-5')).toBe('132');
    expect(msg.get('OBX[3]-8')).toBe('H');
    expect(msg.get('OBX[21]-2')).toBe('SN');
    expect(msg.getRaw('OBX[21]-5')).toBe('<^60');
    expect(msg.get('OBX[22]-5')).toBeUndefined();
    const values = msg.getSegments('OBX').map((obx) => [obx.value(3, 4), obx.value(5), obx.value(6)]);
    expect(values[16]).toEqual(['K', '5.6', 'mmol/L']);
  });

  it('unescapes NTE text and keeps the \\.br\\ formatting command', () => {
    expect(msg.get('NTE-3')).toBe(
      'Mẫu tán huyết nhẹ & hơi đục; kết quả K^Na chỉ tham khảo.\\.br\\Đã báo BS | khoa Nội.',
    );
    expect(parseHl7(bytes, { formatting: 'text' }).get('NTE-3')).toContain('tham khảo.\nĐã báo');
  });

  it('gives back the received message byte for byte', () => {
    expect(msg.toString()).toBe(bytes.toString('utf8'));
    expect(msg.toBuffer()).toEqual(bytes);
  });

  it('answers undefined for what is absent or empty, and [] for an absent field', () => {
    expect(msg.get('PID-2')).toBeUndefined();
    expect(msg.get('PID-99')).toBeUndefined();
    expect(msg.get('PID-5-9')).toBeUndefined();
    expect(msg.get('ZZZ-1')).toBeUndefined();
    expect(msg.getRaw('PID-2')).toBe('');
    expect(msg.getRaw('PID-99')).toBeUndefined();
    expect(msg.getAll('PID-99')).toEqual([]);
    expect(msg.getAll('ZZZ-1')).toEqual([]);
  });

  it('rejects a path that names no field where a value is asked for', () => {
    expect(() => msg.get('PID')).toThrow(Hl7PathError);
    expect(msg.getRaw('PV1')).toBe('PV1|1|O|KKB^P101^1^BVDKT|||||BS001^TRẦN^MINH TUẤN');
  });
});

describe('parseHl7: other messages', () => {
  it('a hematology analyzer ORU^R01 v2.3.1 with MSH-18 UNICODE and an ED histogram', () => {
    const msg = parseHl7(fixture(FIXTURES.oruHematology));
    expect(msg.version).toBe('2.3.1');
    expect(msg.messageStructure).toBeUndefined();
    expect(msg.get('PID-5')).toBe('TRẦN');
    expect(msg.get('PID-5-2')).toBe('THỊ BÍCH NGỌC');
    expect(msg.get('OBR-10')).toBe('ĐẶNG VĂN LỰC');
    const ed = msg.getSegments('OBX').find((s) => s.value(2) === 'ED');
    expect(ed?.value(5, 2)).toBe('Image');
    expect(ed?.value(5, 5)).toMatch(/^Qk1C/);
    expect(msg.getSegments('OBX').filter((s) => s.value(8) === 'L')).toHaveLength(5);
  });

  it('an ADT^A01 v2.5: subcomponents, three identifier repetitions and a Z-segment', () => {
    const msg = parseHl7(fixture(FIXTURES.adtA01));
    expect(msg.get('PID-5')).toBe('TRẦN');
    expect(msg.get('PID-11-1')).toBe('45/2 Nguyễn Trãi');
    expect(msg.get('PID-11-1-2')).toBe('Nguyễn Trãi');
    expect(msg.get('PID-11-1-3')).toBe('45/2');
    expect(msg.getRaw('PID-11-1')).toBe('45/2 Nguyễn Trãi&Nguyễn Trãi&45/2');
    expect(msg.getAll('PID-3-1')).toEqual(['BN24000913', '001190012345', 'DN4797920123456']);
    expect(msg.getAll('PID-3(3)-4')).toEqual(['BHXH']);
    expect(msg.get('NK1-3-2')).toBe('Chồng');
    expect(msg.get('IN1-36')).toBe('DN4797920123456');
    expect(msg.get('PV1-44')).toBe('20240315074500+0700');
    // Z-segments are segments like any other.
    expect(msg.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'NK1', 'PV1', 'IN1', 'ZPV']);
    expect(msg.get('ZPV-2')).toBe('KCB-79-2024-000913');
    expect(msg.get('ZPV-3')).toBe('Khám bệnh BHYT | đúng tuyến');
    expect(msg.getSegment('ZPV')?.fieldCount).toBe(4);
  });

  it('an OML^O21 v2.5.1 with two order groups', () => {
    const msg = parseHl7(fixture(FIXTURES.omlO21));
    expect(msg.getRaw('MSH-9')).toBe('OML^O21^OML_O21');
    expect(msg.getSegments('ORC').map((s) => s.value(2))).toEqual(['ORD24-88812', 'ORD24-88813']);
    expect(msg.get('SPM[2]-4-2')).toBe('Whole blood');
    expect(msg.get('TQ1[2]-9')).toBe('S');
    expect(msg.get('MSH-15')).toBe('AL');
  });

  it('a QBP^Q11 analyzer query', () => {
    const msg = parseHl7(fixture(FIXTURES.qbpQ11));
    expect(msg.getRaw('MSH-9')).toBe('QBP^Q11^QBP_Q11');
    expect(msg.get('QPD-1')).toBe('WOS');
    expect(msg.get('QPD-3')).toBe('SPM24-0045121');
    expect(msg.get('RCP-1')).toBe('I');
  });

  it('a QBP^Q11 demographics query with a Vietnamese name given as text', () => {
    const text =
      'MSH|^~\\&|LIS|BVDKT|HIS|BVDKT|20240315||QBP^Q11^QBP_Q11|Q9|P|2.5.1|||||VNM|UNICODE UTF-8\r' +
      'QPD|Q11^Tìm bệnh nhân^L|Q9|@PID.5.1^TRẦN~@PID.5.2^THỊ BÍCH NGỌC\rRCP|I|10^RD\r';
    const msg = parseHl7(text);
    expect(msg.getAll('QPD-3-2')).toEqual(['TRẦN', 'THỊ BÍCH NGỌC']);
    expect(msg.get('QPD-1-2')).toBe('Tìm bệnh nhân');
    expect(msg.charset.encoding).toBe('utf8');
  });

  it('an ADT^A01 v2.3 in 8859/1 bytes', () => {
    const msg = parseHl7(fixture(FIXTURES.adtLatin1));
    expect(msg.version).toBe('2.3');
    expect(msg.get('PID-5')).toBe('MÜLLER');
    expect(msg.get('PID-5-2')).toBe('HÉLÈNE');
    expect(msg.get('PID-11-3')).toBe('Genève');
    // Written back in its own character set.
    expect(msg.toBuffer()).toEqual(fixture(FIXTURES.adtLatin1));
  });

  it('reads \\X..\\ escapes in the character set of the message', () => {
    const latin1 = 'MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.3||||||8859/1\rPID|1||1||M\\XDC\\LLER\r';
    expect(parseHl7(Buffer.from(latin1, 'latin1')).get('PID-5')).toBe('MÜLLER');
    const utf8 = 'MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||UNICODE UTF-8\rPID|1||1||NG\\XE1BB8C\\C\r';
    expect(parseHl7(Buffer.from(utf8)).get('PID-5')).toBe('NGỌC');
    expect(parseHl7(utf8).get('PID-5')).toBe('NGỌC');
  });

  it('reads a message with other delimiters than |^~\\&', () => {
    const msg = parseHl7(
      'MSH#@*$%#LIS#LAB#HIS#H#20240315##ORU@R01#M1#P#2.3\rPID#1##ID1@@@H*ID2##DOE@JOHN$S$X\r',
    );
    expect(msg.get('MSH-1')).toBe('#');
    expect(msg.get('MSH-2')).toBe('@*$%');
    expect(msg.triggerEvent).toBe('R01');
    expect(msg.getAll('PID-3-1')).toEqual(['ID1', 'ID2']);
    expect(msg.get('PID-5-2')).toBe('JOHN@X');
  });

  it('keeps the HL7 null "" as written', () => {
    const msg = parseHl7('MSH|^~\\&|A|B|C|D|2024||ADT^A08|1|P|2.5\rPID|1||1||""\r');
    expect(msg.get('PID-5')).toBe(HL7_NULL);
  });
});

describe('parseHl7: segment terminators (§2.5.4)', () => {
  const cr = fixture(FIXTURES.oruChemistry).toString('utf8');
  const segments = parseHl7(cr).segments.map((s) => s.raw);

  it.each([
    ['LF', cr.replace(/\r/g, '\n')],
    ['CRLF', cr.replace(/\r/g, '\r\n')],
    ['CR without a final terminator', cr.slice(0, -1)],
    ['blank lines and a BOM', '\ufeff\r\n' + cr.replace(/\r/g, '\r\r\n')],
  ])('reads %s input the same as CR, and writes CR', (_name, input) => {
    const msg = parseHl7(input);
    expect(msg.segments.map((s) => s.raw)).toEqual(segments);
    expect(msg.toString()).toBe(cr);
  });

  it('keeps a bare LF inside a CR-terminated message as data', () => {
    const msg = parseHl7('MSH|^~\\&|A|B|C|D|2024||ORU^R01|1|P|2.5\rOBX|1|TX|X||dòng 1\ndòng 2\r');
    expect(msg.segments).toHaveLength(2);
    expect(msg.get('OBX-5')).toBe('dòng 1\ndòng 2');
  });
});

describe('parseHl7: unreadable input is an Hl7ValidationError with a table 0357 code', () => {
  it.each([
    ['', '100'],
    ['\r\n', '100'],
    ['PID|1||1\r', '100'],
    ['FHS|^~\\&\rMSH|^~\\&|A\r', '100'],
    ['MSH|^^\\&|A|B\r', '102'],
    ['MSHX^~\\&X\r', '102'],
  ])('%j -> %s', (input, code) => {
    let error: unknown;
    try {
      parseHl7(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Hl7ValidationError);
    expect((error as Hl7ValidationError).code).toBe(code);
    expect((error as Hl7ValidationError).location?.segment).toBe('MSH');
  });

  it('an MSH-18 it cannot decode is 103 at MSH-18', () => {
    const bytes = Buffer.from('MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5||||||ISO IR87\r');
    expect(() => parseHl7(bytes)).toThrow(expect.objectContaining({ code: '103' }));
  });
});

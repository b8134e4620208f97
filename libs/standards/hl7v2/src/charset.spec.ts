import { fixture, FIXTURES } from '../test/fixtures';
import { decodeHl7, encodeHl7, encodingForCharset, readMsh18 } from './charset';
import { Hl7ValidationError } from './errors';

const msh = (msh18: string): string => `MSH|^~\\&|A|B|C|D|20240315||ADT^A01|1|P|2.5|||||VNM|${msh18}|vi\r`;

describe('readMsh18 (HL7 v2.5.1 §2.15.9.18, read from the bytes before decoding)', () => {
  it('finds MSH-18 in the raw bytes', () => {
    expect(readMsh18(fixture(FIXTURES.oruChemistry))).toBe('UNICODE UTF-8');
    expect(readMsh18(fixture(FIXTURES.oruHematology))).toBe('UNICODE');
    expect(readMsh18(fixture(FIXTURES.adtLatin1))).toBe('8859/1');
  });

  it('stops at the first repetition and at the end of MSH', () => {
    expect(readMsh18(Buffer.from(msh('UNICODE UTF-8~ISO IR87')))).toBe('UNICODE UTF-8');
    expect(
      readMsh18(
        Buffer.from(
          'MSH|^~\\&|A|B|C|D|20240315||ADT^A01|1|P|2.5\rPID|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18',
        ),
      ),
    ).toBe('');
  });

  it('skips a UTF-8 byte order mark and leading blank lines', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf, 0x0d, 0x0a]),
      Buffer.from(msh('UNICODE UTF-8')),
    ]);
    expect(readMsh18(bytes)).toBe('UNICODE UTF-8');
  });

  it('returns undefined when the bytes do not start with MSH', () => {
    expect(readMsh18(Buffer.from('PID|1'))).toBeUndefined();
  });
});

describe('decodeHl7', () => {
  it('decodes UNICODE UTF-8 (Vietnamese names)', () => {
    const { text, charset } = decodeHl7(Buffer.from(msh('UNICODE UTF-8') + 'PID|1||1||TRẦN^THỊ BÍCH NGỌC\r'));
    expect(text).toContain('TRẦN^THỊ BÍCH NGỌC');
    expect(charset).toEqual({ declared: 'UNICODE UTF-8', encoding: 'utf8' });
  });

  it('decodes 8859/1 bytes as Latin-1', () => {
    const { text, charset } = decodeHl7(fixture(FIXTURES.adtLatin1));
    expect(text).toContain('MÜLLER^HÉLÈNE^Françoise');
    expect(charset.encoding).toBe('latin1');
  });

  it('reads the v2.3 term UNICODE as UTF-8', () => {
    expect(decodeHl7(fixture(FIXTURES.oruHematology)).text).toContain('TRẦN^THỊ BÍCH NGỌC');
  });

  it('without MSH-18 reads valid UTF-8 as UTF-8 and anything else as 8859/1 (auto)', () => {
    const utf8 = Buffer.from(msh('') + 'PID|1||1||NGUYỄN^VĂN AN\r');
    expect(decodeHl7(utf8).text).toContain('NGUYỄN^VĂN AN');
    const latin1 = Buffer.from(msh('') + 'PID|1||1||MÜLLER\r', 'latin1');
    expect(decodeHl7(latin1).text).toContain('MÜLLER');
    expect(decodeHl7(latin1).charset.encoding).toBe('latin1');
  });

  it('treats a declared ASCII message that carries UTF-8 bytes as UTF-8 rather than garbling it', () => {
    expect(decodeHl7(Buffer.from(msh('ASCII') + 'PID|1||1||NGỌC\r')).text).toContain('NGỌC');
  });

  it('honours defaultCharset and a charset override (device profile)', () => {
    const bytes = Buffer.from(msh('') + 'PID|1||1||MÜLLER\r', 'latin1');
    expect(decodeHl7(bytes, { defaultCharset: '8859/1' }).charset.encoding).toBe('latin1');
    const lying = Buffer.from(msh('8859/1') + 'PID|1||1||NGỌC\r');
    expect(decodeHl7(lying, { charset: 'UNICODE UTF-8' }).text).toContain('NGỌC');
  });

  it('decodes the legacy Vietnamese code page Windows-1258 by its alias', () => {
    // "NGUYỄN" in Windows-1258: E + combining tilde (0xDE) after Ê (0xCA).
    const bytes = Buffer.concat([
      Buffer.from(msh('WINDOWS-1258') + 'PID|1||1||NGUY'),
      Buffer.from([0xca, 0xde]),
      Buffer.from('N\r'),
    ]);
    expect(decodeHl7(bytes).text.normalize('NFC')).toContain('NGUYỄN');
  });

  it('decodes UTF-16LE recognised by its byte order mark', () => {
    const text = msh('UNICODE UTF-16') + 'PID|1||1||NGỌC\r';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(decodeHl7(bytes).text).toBe(text);
  });

  it('refuses a character set it cannot decode with 103 at MSH-18', () => {
    expect(() => decodeHl7(Buffer.from(msh('EBCDIC')))).toThrow(Hl7ValidationError);
    try {
      decodeHl7(Buffer.from(msh('EBCDIC')));
    } catch (e) {
      expect(e).toMatchObject({ code: '103', location: { segment: 'MSH', field: 18 } });
    }
  });
});

describe('encodingForCharset / encodeHl7', () => {
  it('maps table 0211 terms and aliases', () => {
    expect(encodingForCharset('UNICODE UTF-8')).toBe('utf8');
    expect(encodingForCharset(' unicode utf-8 ')).toBe('utf8');
    expect(encodingForCharset('8859/1')).toBe('latin1');
    expect(encodingForCharset('8859/15')).toBe('iso-8859-15');
    expect(encodingForCharset('ISO_IR 192')).toBe('utf8');
    expect(encodingForCharset('CP1258')).toBe('windows-1258');
    expect(encodingForCharset('ISO IR87')).toBeUndefined();
    expect(encodingForCharset('')).toBeUndefined();
  });

  it('encodes UTF-8 and Latin-1, and ASCII-only text in any other set', () => {
    expect(encodeHl7('Ngọc', 'utf8')).toEqual(Buffer.from('Ngọc', 'utf8'));
    expect(encodeHl7('Genève', 'latin1')).toEqual(Buffer.from([0x47, 0x65, 0x6e, 0xe8, 0x76, 0x65]));
    expect(encodeHl7('MSA|AA|1', 'gb18030').toString()).toBe('MSA|AA|1');
    expect(() => encodeHl7('Ngọc', 'gb18030')).toThrow(/only UTF-8 and 8859\/1/);
  });
});

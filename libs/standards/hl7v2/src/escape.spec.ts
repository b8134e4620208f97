import { escapeHl7, unescapeHl7 } from './escape';
import { DEFAULT_SEPARATORS, separatorsFromMsh } from './separators';

const sep = DEFAULT_SEPARATORS;

describe('unescapeHl7 (HL7 v2.5.1 §2.7)', () => {
  it('decodes the delimiter escapes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\', () => {
    expect(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', sep)).toBe('a|b^c&d~e\\f');
  });

  it('returns the very same string when there is nothing to decode', () => {
    const s = 'NGUYỄN VĂN AN';
    expect(unescapeHl7(s, sep)).toBe(s);
  });

  it('decodes \\X..\\ hex bytes in the message character set', () => {
    expect(unescapeHl7('line1\\X0D0A\\line2', sep)).toBe('line1\r\nline2');
    expect(unescapeHl7('Ng\\XE1BB8D\\c', sep, { encoding: 'utf8' })).toBe('Ngọc');
    expect(unescapeHl7('caf\\XE9\\', sep, { encoding: 'latin1' })).toBe('café');
    expect(unescapeHl7('\\XC3A9\\', sep, { encoding: 'latin1' })).toBe('Ã©');
  });

  it('keeps highlighting, formatting, local and code-switch escapes verbatim by default', () => {
    const text = '\\H\\KALI CAO\\N\\\\.br\\xem lại\\Z01\\ \\C2842\\ \\.sp2\\';
    expect(unescapeHl7(text, sep)).toBe(text);
  });

  it("renders formatting as plain text with formatting: 'text'", () => {
    expect(unescapeHl7('\\H\\KALI CAO\\N\\\\.br\\xem lại', sep, { formatting: 'text' })).toBe(
      'KALI CAO\nxem lại',
    );
  });

  it('keeps an unknown sequence and still decodes the ones after it', () => {
    expect(unescapeHl7('a\\Qzz\\b\\F\\c', sep)).toBe('a\\Qzz\\b|c');
  });

  it('keeps a lone escape character (a sender that did not escape a backslash)', () => {
    expect(unescapeHl7('C:\\temp', sep)).toBe('C:\\temp');
    expect(unescapeHl7('x\\F\\C:\\temp', sep)).toBe('x|C:\\temp');
  });

  it('keeps malformed hex verbatim', () => {
    expect(unescapeHl7('\\X0\\ \\XZZ\\', sep)).toBe('\\X0\\ \\XZZ\\');
  });

  it("uses the message's own delimiters", () => {
    const custom = separatorsFromMsh('MSH#@*$%#');
    expect(unescapeHl7('a$F$b$S$c$T$d$R$e$E$f', custom)).toBe('a#b@c%d*e$f');
    // The default escape sequences mean nothing here.
    expect(unescapeHl7('a\\F\\b', custom)).toBe('a\\F\\b');
  });

  it('decodes \\P\\ only when MSH-2 declares a truncation character (v2.7)', () => {
    const v27 = separatorsFromMsh('MSH|^~\\&#|');
    expect(unescapeHl7('a\\P\\b', v27)).toBe('a#b');
    expect(unescapeHl7('a\\P\\b', sep)).toBe('a\\P\\b');
  });
});

describe('escapeHl7', () => {
  it('escapes every delimiter and CR/LF', () => {
    expect(escapeHl7('a|b^c&d~e\\f\rg\nh', sep)).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\g\\X0A\\h');
  });

  it('returns the same string when nothing needs escaping', () => {
    const s = 'Trần Thị Bích Ngọc';
    expect(escapeHl7(s, sep)).toBe(s);
  });

  it('round-trips any text, including text that looks like an escape sequence', () => {
    const samples = [
      'NGUYỄN VĂN AN',
      'K^Na | Cl~Ca & Mg \\ P',
      '\\H\\ not a highlight \\X41\\ not hex \\E\\',
      'dòng 1\r\ndòng 2\rdòng 3\n',
      '',
      '\\',
      '\\\\',
      '^~|&',
    ];
    for (const s of samples) {
      const escaped = escapeHl7(s, sep);
      expect(escaped).not.toMatch(/[|^~&\r\n]/);
      expect(unescapeHl7(escaped, sep)).toBe(s);
    }
  });

  it('round-trips with custom delimiters and a truncation character', () => {
    const custom = separatorsFromMsh('MSH#@*$%!#');
    const s = 'a#b@c*d$e%f!g|h^i';
    const escaped = escapeHl7(s, custom);
    expect(escaped).toBe('a$F$b$S$c$R$d$E$e$T$f$P$g|h^i');
    expect(unescapeHl7(escaped, custom)).toBe(s);
  });

  it('refuses to write a delimiter when the message declares no escape character', () => {
    const noEscape = separatorsFromMsh('MSH|^~|');
    expect(escapeHl7('plain', noEscape)).toBe('plain');
    expect(() => escapeHl7('a|b', noEscape)).toThrow(/no escape character/);
  });
});

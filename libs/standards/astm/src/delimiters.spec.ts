import { DEFAULT_DELIMITERS, delimitersFromHeader, escapeAstm, unescapeAstm } from './delimiters';

describe('delimiters (E1394 header field 7.1.2)', () => {
  it('reads the customary and other sets', () => {
    expect(delimitersFromHeader('H|\\^&|||XN-350')).toEqual(DEFAULT_DELIMITERS);
    expect(delimitersFromHeader('H|@^\\|||GeneXpert')).toEqual({
      field: '|',
      repeat: '@',
      component: '^',
      escape: '\\',
    });
    expect(delimitersFromHeader('H|\\^&')).toEqual(DEFAULT_DELIMITERS);
  });

  it('refuses unusable definitions', () => {
    expect(() => delimitersFromHeader('P|1')).toThrow();
    expect(() => delimitersFromHeader('H|\\^')).toThrow();
    expect(() => delimitersFromHeader('H|\\^^|')).toThrow(); // not distinct
    expect(() => delimitersFromHeader('H|A^&|')).toThrow(); // a letter
    expect(() => delimitersFromHeader('H|\\^&X')).toThrow(); // not followed by the field delimiter
  });
});

describe('escape sequences &F& &S& &R& &E&', () => {
  const d = DEFAULT_DELIMITERS;

  it('decodes the four and keeps other sequences verbatim', () => {
    expect(unescapeAstm('A&F&B&S&C&R&D&E&E', d)).toBe('A|B^C\\D&E');
    expect(unescapeAstm('PNG&R&20250301&R&WDF.PNG', d)).toBe('PNG\\20250301\\WDF.PNG');
    expect(unescapeAstm('&H&bold&N& &X0041& &Zlocal&', d)).toBe('&H&bold&N& &X0041& &Zlocal&');
    expect(unescapeAstm('R&D dept', d)).toBe('R&D dept'); // a lone escape character
    expect(unescapeAstm('&X41&F&', d)).toBe('&X41|');
  });

  it('round-trips any text through escape and unescape', () => {
    const samples = ['plain', 'a|b^c\\d&e', '&&&', '|^\\&', '&F&', 'Nguyễn Văn An & Co | ^', '', 'x&y&z'];
    for (const s of samples) {
      const e = escapeAstm(s, d);
      expect(e).not.toMatch(/[|^\\]/);
      expect(unescapeAstm(e, d)).toBe(s);
    }
    const gx = { field: '|', repeat: '@', component: '^', escape: '\\' };
    for (const s of samples) expect(unescapeAstm(escapeAstm(s, gx), gx)).toBe(s);
  });

  it('turns control characters into spaces (they cannot travel in ASTM text)', () => {
    expect(escapeAstm('line1\r\nline2\tend', d)).toBe('line1  line2 end');
  });
});

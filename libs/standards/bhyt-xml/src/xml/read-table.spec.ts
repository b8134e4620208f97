import { layoutById, tableDef } from '../layout/versions';
import { readTable } from './read-table';
import { sampleCheckIn, sampleXml1, sampleXml2, sampleXml3, sampleXml4 } from './sample-claim';
import { writeTable, type XmlRow } from './write-table';

const layout = layoutById('QD1804');
const xml0 = tableDef(layout, 'XML0');
const xml1 = tableDef(layout, 'XML1');
const xml2 = tableDef(layout, 'XML2');
const xml3 = tableDef(layout, 'XML3');
const xml4 = tableDef(layout, 'XML4');

/** What a written row reads back as: every element present, empty ones as ''. */
function expected(def: typeof xml1, row: XmlRow): Record<string, string> {
  return Object.fromEntries(def.fields.map((f) => [f.name, row[f.name] ?? '']));
}

describe('readTable', () => {
  it.each([
    ['XML0', xml0, [sampleCheckIn()]],
    ['XML1', xml1, [sampleXml1()]],
    ['XML2', xml2, sampleXml2()],
    ['XML3', xml3, sampleXml3()],
    ['XML4', xml4, sampleXml4()],
  ])('reads back what writeTable wrote (%s)', (_id, def, rows) => {
    const result = readTable(def, writeTable(def, rows));
    expect(result).toEqual({ ok: true, rows: rows.map((row) => expected(def, row)) });
  });

  it('round-trips special characters, line breaks and surrounding spaces exactly', () => {
    const row = {
      MA_LK: 'A',
      STT: '1',
      MA_DICH_VU: 'X',
      KET_LUAN: ` <&>"' \r\n\ttrái tim – 😀 `,
      MO_TA: 'a\rb',
    };
    const result = readTable(xml4, writeTable(xml4, [row]));
    expect(result.ok && result.rows[0]['KET_LUAN']).toBe(row.KET_LUAN);
    expect(result.ok && result.rows[0]['MO_TA']).toBe('a\rb');
  });

  it('accepts indented documents, CDATA, any element order and a signed check-in', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<CHI_TIEU_TRANG_THAI_KCB>',
      '  <DSACH_TRANG_THAI_KCB>',
      '    <TRANG_THAI_KCB>',
      '      <STT>1</STT>',
      '      <MA_LK><![CDATA[LK&1]]></MA_LK>',
      '      <HO_TEN>  Trần Văn B </HO_TEN>',
      '    </TRANG_THAI_KCB>',
      '  </DSACH_TRANG_THAI_KCB>',
      '  <CHUKYDONVI><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature></CHUKYDONVI>',
      '</CHI_TIEU_TRANG_THAI_KCB>',
    ].join('\r\n');
    expect(readTable(xml0, xml)).toEqual({
      ok: true,
      rows: [{ STT: '1', MA_LK: 'LK&1', HO_TEN: '  Trần Văn B ' }],
    });
  });

  it.each([
    ['malformed XML', '<TONG_HOP><MA_LK>x</TONG_HOP>', 'MALFORMED_XML'],
    ['truncated document', writeTable(xml1, [sampleXml1()]).slice(0, 500), 'MALFORMED_XML'],
    ['wrong root', '<CHITIEU_CHITIET_THUOC/>', 'WRONG_ROOT'],
    ['unknown element', '<TONG_HOP><MA_LK>x</MA_LK><NGAY_TH_YLL/></TONG_HOP>', 'UNEXPECTED_ELEMENT'],
    ['repeated element', '<TONG_HOP><MA_LK>x</MA_LK><MA_LK>y</MA_LK></TONG_HOP>', 'DUPLICATE_ELEMENT'],
    ['nested element in a field', '<TONG_HOP><MA_LK><B/></MA_LK></TONG_HOP>', 'NOT_A_LEAF'],
    ['text between elements', '<TONG_HOP>oops<MA_LK>x</MA_LK></TONG_HOP>', 'UNEXPECTED_TEXT'],
    [
      'signature slot in a table without one',
      '<TONG_HOP><MA_LK>x</MA_LK><CHUKYDONVI/></TONG_HOP>',
      'UNEXPECTED_ELEMENT',
    ],
    [
      'a DOCTYPE',
      '<!DOCTYPE TONG_HOP [<!ENTITY a "aaaa">]><TONG_HOP><MA_LK>&a;</MA_LK></TONG_HOP>',
      'DOCTYPE_NOT_ALLOWED',
    ],
    ['huge nesting', '<TONG_HOP>' + '<MA_LK>'.repeat(100_000), 'TOO_DEEP'],
  ])('fails on %s', (_label, xml, code) => {
    expect(readTable(xml1, xml)).toMatchObject({ ok: false, code });
  });

  it.each([
    ['no list element', '<CHITIEU_CHITIET_THUOC/>', 'MISSING_ELEMENT'],
    ['an empty list', '<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC/></CHITIEU_CHITIET_THUOC>', 'NO_RECORDS'],
    [
      'a foreign record element',
      '<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_DVKT/></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>',
      'UNEXPECTED_ELEMENT',
    ],
    [
      'two list elements',
      '<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC/></DSACH_CHI_TIET_THUOC><DSACH_CHI_TIET_THUOC/></CHITIEU_CHITIET_THUOC>',
      'UNEXPECTED_ELEMENT',
    ],
  ])('fails on a list table with %s', (_label, xml, code) => {
    expect(readTable(xml2, xml)).toMatchObject({ ok: false, code });
  });

  it('never throws on random garbage', () => {
    const seed = writeTable(xml3, sampleXml3());
    let state = 12345;
    const random = (n: number): number => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    const alphabet = [
      '<',
      '>',
      '/',
      '&',
      ';',
      '"',
      "'",
      '=',
      '!',
      '[',
      ']',
      '-',
      '?',
      'A',
      ' ',
      '\u0000',
      '#',
      'x',
    ];
    for (let i = 0; i < 2000; i++) {
      const chars = [...seed];
      for (let k = 0; k < 1 + random(8); k++) chars[random(chars.length)] = alphabet[random(alphabet.length)];
      const mutated = random(4) === 0 ? chars.join('').slice(0, random(chars.length)) : chars.join('');
      const result = readTable(xml3, mutated);
      expect(typeof result.ok).toBe('boolean');
    }
  });
});

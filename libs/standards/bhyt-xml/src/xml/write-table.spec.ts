import { layoutById, tableDef } from '../layout/versions';
import { SAMPLE_MA_LK, sampleCheckIn, sampleXml1, sampleXml2, sampleXml3, sampleXml4 } from './sample-claim';
import { XML_DECLARATION, XmlWriteError, writeTable, type XmlRow } from './write-table';

const layout = layoutById('QD1804');
const xml0 = tableDef(layout, 'XML0');
const xml1 = tableDef(layout, 'XML1');
const xml2 = tableDef(layout, 'XML2');
const xml3 = tableDef(layout, 'XML3');
const xml4 = tableDef(layout, 'XML4');

/** Element names in document order (the writer's output has no attributes, comments or CDATA). */
function elementNames(xml: string): string[] {
  return [...xml.matchAll(/<([A-Z_0-9]+)\/?>/g)].map((m) => m[1]);
}

describe('writeTable', () => {
  it('writes a single-record table: declaration, root, every field in layout order', () => {
    const xml = writeTable(xml1, [sampleXml1()]);
    expect(xml.startsWith(`${XML_DECLARATION}<TONG_HOP><MA_LK>${SAMPLE_MA_LK}</MA_LK><STT>1</STT>`)).toBe(
      true,
    );
    expect(xml.endsWith('<DU_PHONG/></TONG_HOP>')).toBe(true);
    expect(elementNames(xml)).toEqual(['TONG_HOP', ...xml1.fields.map((f) => f.name)]);
    expect(xml).not.toContain('\n');
  });

  it('writes a list table with its list and record elements, records in the given order', () => {
    const rows = sampleXml2();
    const xml = writeTable(xml2, rows);
    expect(
      xml.startsWith(
        `${XML_DECLARATION}<CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC><MA_LK>`,
      ),
    ).toBe(true);
    expect(xml.endsWith('</CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>')).toBe(true);
    expect(xml.split('<CHI_TIET_THUOC>')).toHaveLength(4);
    const names = xml2.fields.map((f) => f.name);
    expect(elementNames(xml)).toEqual([
      'CHITIEU_CHITIET_THUOC',
      'DSACH_CHI_TIET_THUOC',
      ...['CHI_TIET_THUOC', ...names],
      ...['CHI_TIET_THUOC', ...names],
      ...['CHI_TIET_THUOC', ...names],
    ]);
    expect(xml.indexOf('<STT>1</STT>')).toBeLessThan(xml.indexOf('<STT>2</STT>'));
    expect(xml.indexOf('<STT>2</STT>')).toBeLessThan(xml.indexOf('<STT>3</STT>'));
  });

  it('ends the check-in with an empty CHUKYDONVI after the list (spec §1.2)', () => {
    const xml = writeTable(xml0, [sampleCheckIn()]);
    expect(
      xml.endsWith(
        '<DU_PHONG/></TRANG_THAI_KCB></DSACH_TRANG_THAI_KCB><CHUKYDONVI/></CHI_TIEU_TRANG_THAI_KCB>',
      ),
    ).toBe(true);
    expect(writeTable(xml4, sampleXml4())).not.toContain('CHUKYDONVI');
  });

  it('writes empty and undefined values as <X/>', () => {
    const xml = writeTable(xml4, [
      { MA_LK: 'A', STT: '1', MA_DICH_VU: 'X', GIA_TRI: '', DON_VI_DO: undefined },
    ]);
    expect(xml).toContain('<GIA_TRI/><DON_VI_DO/><MO_TA/>');
  });

  it('escapes the XML special characters and keeps Vietnamese text as it is', () => {
    const xml = writeTable(xml4, [
      {
        MA_LK: 'A',
        STT: '1',
        MA_DICH_VU: 'X',
        KET_LUAN: `a<b & c>d "q" 'p' Viêm phổi thùy dưới phải – Đỗ Ngọc Ánh`,
      },
    ]);
    expect(xml).toContain(
      '<KET_LUAN>a&lt;b &amp; c&gt;d &quot;q&quot; &apos;p&apos; Viêm phổi thùy dưới phải – Đỗ Ngọc Ánh</KET_LUAN>',
    );
    expect(Buffer.from(xml, 'utf8').toString('utf8')).toBe(xml);
  });

  it('writes line breaks inside values as character references, so a document is one line', () => {
    const xml = writeTable(xml4, [{ MA_LK: 'A', STT: '1', MA_DICH_VU: 'X', MO_TA: 'dòng 1\r\ndòng 2\nhết' }]);
    expect(xml).toContain('<MO_TA>dòng 1&#13;&#10;dòng 2&#10;hết</MO_TA>');
    expect(xml).not.toMatch(/[\r\n]/);
  });

  it('is deterministic: the same rows give the same bytes', () => {
    expect(writeTable(xml3, sampleXml3())).toBe(writeTable(xml3, sampleXml3()));
    const reordered = Object.fromEntries(Object.entries(sampleXml1()).reverse());
    expect(writeTable(xml1, [reordered])).toBe(writeTable(xml1, [sampleXml1()]));
  });

  it('throws on an unknown key, naming it (a typo must not drop data)', () => {
    const row = { ...sampleXml2()[0], NGAY_TH_YLL: '202611181000' };
    expect(() => writeTable(xml2, [row])).toThrow(XmlWriteError);
    expect(() => writeTable(xml2, [row])).toThrow(/row 1: unknown element NGAY_TH_YLL/);
    // NHOM_MAU does not exist before QĐ 4750.
    expect(() => writeTable(tableDef(layoutById('QD130'), 'XML1'), [sampleXml1()])).toThrow(
      /unknown element NHOM_MAU/,
    );
  });

  it('throws on a non-string value, a wrong record count and characters XML cannot carry', () => {
    const numeric = { ...sampleXml4()[0], STT: 1 } as unknown as XmlRow;
    expect(() => writeTable(xml4, [numeric])).toThrow(/STT must be a formatted string/);
    expect(() => writeTable(xml1, [])).toThrow(/single-record document/);
    expect(() => writeTable(xml1, [sampleXml1(), sampleXml1()])).toThrow(/got 2 rows/);
    expect(() => writeTable(xml4, [])).toThrow(/no rows/);
    expect(() => writeTable(xml4, [{ MA_LK: 'A', KET_LUAN: 'tab\tok but \u000b not' }])).toThrow(/U\+000B/);
    expect(() => writeTable(xml4, [{ MA_LK: 'A', KET_LUAN: 'lone \ud800 surrogate' }])).toThrow(/U\+D800/);
  });

  it('writes a day of a large hospital (1,650 claims × ~30 rows) in well under a second', () => {
    const x1 = sampleXml1();
    const x2 = Array.from({ length: 10 }, (_, i) => ({ ...sampleXml2()[i % 3], STT: String(i + 1) }));
    const x3 = Array.from({ length: 16 }, (_, i) => ({ ...sampleXml3()[i % 5], STT: String(i + 1) }));
    const x4 = Array.from({ length: 3 }, (_, i) => ({ ...sampleXml4()[i % 2], STT: String(i + 1) }));
    writeTable(xml3, x3); // warm up
    const started = process.hrtime.bigint();
    let bytes = 0;
    for (let claim = 0; claim < 1650; claim++) {
      bytes += writeTable(xml1, [x1]).length;
      bytes += writeTable(xml2, x2).length;
      bytes += writeTable(xml3, x3).length;
      bytes += writeTable(xml4, x4).length;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `writeTable: 1,650 claims × 30 rows (${(bytes / 1e6).toFixed(1)} M characters) in ${ms.toFixed(0)} ms`,
    );
    expect(ms).toBeLessThan(1000);
  });
});

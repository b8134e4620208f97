import { layoutById, tableDef } from '../layout/versions';
import { buildEnvelope, readEnvelope } from './envelope';
import { readTable } from './read-table';
import { SAMPLE_FACILITY, sampleXml1, sampleXml2, sampleXml3, sampleXml4 } from './sample-claim';
import { XML_DECLARATION, XmlWriteError, writeTable } from './write-table';

const layout = layoutById('QD1804');
const def = {
  XML1: tableDef(layout, 'XML1'),
  XML2: tableDef(layout, 'XML2'),
  XML3: tableDef(layout, 'XML3'),
  XML4: tableDef(layout, 'XML4'),
};

function claimFiles() {
  return [
    { table: 'XML3' as const, xml: writeTable(def.XML3, sampleXml3()) },
    { table: 'XML1' as const, xml: writeTable(def.XML1, [sampleXml1()]) },
    { table: 'XML4' as const, xml: writeTable(def.XML4, sampleXml4()) },
    { table: 'XML2' as const, xml: writeTable(def.XML2, sampleXml2()) },
  ];
}

function envelope(): string {
  return buildEnvelope({ facilityCode: SAMPLE_FACILITY, createdOn: '20261122', files: claimFiles() });
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** A hand-made envelope with the given HOSO content. */
function wrap(
  hoso: string,
  count = '1',
  head = '<THONGTINDONVI><MACSKCB>79010</MACSKCB></THONGTINDONVI>',
): string {
  return `<GIAMDINHHS>${head}<THONGTINHOSO><NGAYLAP>20261122</NGAYLAP><SOLUONGHOSO>${count}</SOLUONGHOSO><DANHSACHHOSO>${hoso}</DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>`;
}

describe('buildEnvelope', () => {
  it('writes the GIAMDINHHS structure of the 2024 letter, files in table order, an empty CHUKYDONVI last', () => {
    const xml = envelope();
    expect(xml).toMatch(
      new RegExp(
        '^' +
          XML_DECLARATION.replace(/[?.]/g, '\\$&') +
          '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
          '<THONGTINDONVI><MACSKCB>79010</MACSKCB></THONGTINDONVI>' +
          '<THONGTINHOSO><NGAYLAP>20261122</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO><DANHSACHHOSO><HOSO>' +
          '<FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>[A-Za-z0-9+/=]+</NOIDUNGFILE></FILEHOSO>' +
          '<FILEHOSO><LOAIHOSO>XML2</LOAIHOSO><NOIDUNGFILE>[A-Za-z0-9+/=]+</NOIDUNGFILE></FILEHOSO>' +
          '<FILEHOSO><LOAIHOSO>XML3</LOAIHOSO><NOIDUNGFILE>[A-Za-z0-9+/=]+</NOIDUNGFILE></FILEHOSO>' +
          '<FILEHOSO><LOAIHOSO>XML4</LOAIHOSO><NOIDUNGFILE>[A-Za-z0-9+/=]+</NOIDUNGFILE></FILEHOSO>' +
          '</HOSO></DANHSACHHOSO></THONGTINHOSO><CHUKYDONVI/></GIAMDINHHS>$',
      ),
    );
  });

  it('base64-encodes the UTF-8 bytes of each child document', () => {
    const xml1 = writeTable(def.XML1, [sampleXml1()]);
    expect(envelope()).toContain(`<NOIDUNGFILE>${b64(xml1)}</NOIDUNGFILE>`);
    expect(Buffer.from(b64(xml1), 'base64').toString('utf8')).toContain('Nguyễn Thị Hồng Nhung');
  });

  it('follows the QĐ 130 envelope when given that layout: no namespace declarations', () => {
    const qd130 = layoutById('QD130');
    const xml = buildEnvelope({
      facilityCode: '79010',
      createdOn: '20240115',
      files: [{ table: 'XML1', xml: '<TONG_HOP/>' }],
      layout: qd130,
    });
    expect(xml).toContain('<GIAMDINHHS><THONGTINDONVI>');
    expect(() =>
      buildEnvelope({
        facilityCode: '79010',
        createdOn: '20240115',
        files: [
          { table: 'XML1', xml: '<TONG_HOP/>' },
          { table: 'XML13', xml: '<CHI_TIEU_GIAYCHUYENTUYEN/>' },
        ],
        layout: qd130,
      }),
    ).toThrow(/XML13 cannot be sent in a QD130 envelope/);
  });

  it.each([
    ['a bad facility code', { facilityCode: '7901' }, /facilityCode/],
    ['a bad date', { createdOn: '2026-11-22' }, /createdOn/],
    ['an impossible date', { createdOn: '20260230' }, /createdOn/],
    ['the check-in', { files: [{ table: 'XML0', xml: '<X/>' }] }, /XML0 cannot be sent/],
    ['XML12', { files: [{ table: 'XML12', xml: '<X/>' }] }, /XML12 cannot be sent/],
    ['no XML1', { files: [{ table: 'XML2', xml: '<X/>' }] }, /always carries XML1/],
    [
      'a duplicate table',
      {
        files: [
          { table: 'XML1', xml: '<TONG_HOP/>' },
          { table: 'XML1', xml: '<TONG_HOP/>' },
        ],
      },
      /twice/,
    ],
    [
      'a file under the wrong LOAIHOSO',
      {
        files: [
          { table: 'XML1', xml: '<TONG_HOP/>' },
          { table: 'XML3', xml: '<?xml version="1.0" encoding="utf-8"?><CHITIEU_CHITIET_THUOC/>' },
        ],
      },
      /XML3 file's root is <CHITIEU_CHITIET_THUOC>; a XML3 document has <CHITIEU_CHITIET_DVKT_VTYT>/,
    ],
  ])('throws on %s', (_label, overrides, message) => {
    const input = { facilityCode: '79010', createdOn: '20261122', files: claimFiles(), ...overrides };
    expect(() => buildEnvelope(input as Parameters<typeof buildEnvelope>[0])).toThrow(XmlWriteError);
    expect(() => buildEnvelope(input as Parameters<typeof buildEnvelope>[0])).toThrow(message);
  });
});

describe('readEnvelope', () => {
  it('round-trips: envelope → files → rows', () => {
    const result = readEnvelope(envelope());
    if (!result.ok) throw new Error(result.reason);
    expect(result.facilityCode).toBe('79010');
    expect(result.createdOn).toBe('20261122');
    expect(result.signed).toBe(false);
    expect(result.files.map((f) => f.table)).toEqual(['XML1', 'XML2', 'XML3', 'XML4']);
    const xml3 = readTable(def.XML3, result.files[2].xml);
    if (!xml3.ok) throw new Error(xml3.reason);
    expect(xml3.rows).toHaveLength(5);
    expect(xml3.rows[1]['TEN_DICH_VU']).toBe('Tổng phân tích tế bào máu ngoại vi (bằng máy đếm laser)');
    const xml1 = readTable(def.XML1, result.files[0].xml);
    expect(xml1.ok && xml1.rows[0]['GHI_CHU']).toBe('Tái khám sau 7 ngày <nếu còn sốt> & uống đủ nước');
  });

  it('accepts wrapped base64, a BOM in the child document and a signature in CHUKYDONVI', () => {
    const child = '\uFEFF<?xml version="1.0" encoding="utf-8"?><TONG_HOP><MA_LK>A</MA_LK></TONG_HOP>';
    const wrapped = b64(child).replace(/(.{20})/g, '$1\r\n');
    const xml = wrap(
      `<HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>${wrapped}</NOIDUNGFILE></FILEHOSO></HOSO>`,
    ).replace(
      '<CHUKYDONVI/>',
      '<CHUKYDONVI><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></CHUKYDONVI>',
    );
    const result = readEnvelope(xml);
    expect(result).toMatchObject({ ok: true, signed: true, files: [{ table: 'XML1' }] });
    expect(result.ok && readTable(def.XML1, result.files[0].xml)).toEqual({
      ok: true,
      rows: [{ MA_LK: 'A' }],
    });
  });

  const file = (table: string, content: string): string =>
    `<FILEHOSO><LOAIHOSO>${table}</LOAIHOSO><NOIDUNGFILE>${content}</NOIDUNGFILE></FILEHOSO>`;
  const good = file('XML1', b64('<TONG_HOP/>'));

  it.each([
    ['garbage', 'not xml at all', 'MALFORMED_XML'],
    ['a truncated envelope', '', 'MALFORMED_XML'],
    ['the wrong root', '<TONG_HOP/>', 'WRONG_ROOT'],
    [
      'a missing THONGTINHOSO',
      '<GIAMDINHHS><THONGTINDONVI><MACSKCB>79010</MACSKCB></THONGTINDONVI></GIAMDINHHS>',
      'MISSING_ELEMENT',
    ],
    [
      'an unknown element',
      wrap(`<HOSO>${good}</HOSO>`).replace('<CHUKYDONVI/>', '<EXTRA/>'),
      'UNEXPECTED_ELEMENT',
    ],
    [
      'a bad facility code',
      wrap(`<HOSO>${good}</HOSO>`, '1', '<THONGTINDONVI><MACSKCB>7901</MACSKCB></THONGTINDONVI>'),
      'BAD_FACILITY_CODE',
    ],
    ['a bad NGAYLAP', wrap(`<HOSO>${good}</HOSO>`).replace('20261122', '22/11/2026'), 'BAD_DATE'],
    ['a wrong SOLUONGHOSO', wrap(`<HOSO>${good}</HOSO>`, '2'), 'BAD_COUNT'],
    ['two HOSO', wrap(`<HOSO>${good}</HOSO><HOSO>${good}</HOSO>`, '2'), 'MULTIPLE_HOSO'],
    ['no FILEHOSO', wrap('<HOSO/>'), 'NO_FILES'],
    ['an unknown LOAIHOSO', wrap(`<HOSO>${file('XML99', b64('<X/>'))}</HOSO>`), 'UNKNOWN_TABLE'],
    ['XML12', wrap(`<HOSO>${file('XML12', b64('<X/>'))}</HOSO>`), 'UNKNOWN_TABLE'],
    ['a duplicate LOAIHOSO', wrap(`<HOSO>${good}${good}</HOSO>`), 'DUPLICATE_TABLE'],
    ['bad base64 characters', wrap(`<HOSO>${file('XML1', 'PFRP!!==')}</HOSO>`), 'BAD_BASE64'],
    ['truncated base64', wrap(`<HOSO>${file('XML1', b64('<TONG_HOP/>').slice(0, -1))}</HOSO>`), 'BAD_BASE64'],
    ['empty content', wrap(`<HOSO>${file('XML1', '')}</HOSO>`), 'BAD_BASE64'],
    [
      'content that is not UTF-8',
      wrap(`<HOSO>${file('XML1', Buffer.from([0x3c, 0xff, 0xfe, 0x3e]).toString('base64'))}</HOSO>`),
      'BAD_UTF8',
    ],
    ['huge nesting', '<GIAMDINHHS>' + '<THONGTINHOSO>'.repeat(500_000), 'TOO_DEEP'],
    [
      'a DOCTYPE (billion laughs)',
      '<!DOCTYPE GIAMDINHHS [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><GIAMDINHHS>&b;</GIAMDINHHS>',
      'DOCTYPE_NOT_ALLOWED',
    ],
  ])('fails on %s', (_label, xml, code) => {
    expect(readEnvelope(xml)).toMatchObject({ ok: false, code, reason: expect.any(String) });
  });

  it('restricts LOAIHOSO to a layout when asked', () => {
    const xml = wrap(`<HOSO>${good}${file('XML13', b64('<CHI_TIEU_GIAYCHUYENTUYEN/>'))}</HOSO>`);
    expect(readEnvelope(xml)).toMatchObject({ ok: true });
    expect(readEnvelope(xml, { layout: layoutById('QD130') })).toMatchObject({
      ok: false,
      code: 'UNKNOWN_TABLE',
    });
  });

  it('never throws on mutated envelopes', () => {
    const seed = envelope();
    let state = 99;
    const random = (n: number): number => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    const alphabet = ['<', '>', '/', '&', '=', 'A', '+', ' ', '\u0000', '!', 'Z'];
    for (let i = 0; i < 1000; i++) {
      const chars = [...seed];
      for (let k = 0; k < 1 + random(6); k++) chars[random(chars.length)] = alphabet[random(alphabet.length)];
      const mutated = random(3) === 0 ? chars.join('').slice(0, random(chars.length)) : chars.join('');
      expect(typeof readEnvelope(mutated).ok).toBe('boolean');
    }
  });
});

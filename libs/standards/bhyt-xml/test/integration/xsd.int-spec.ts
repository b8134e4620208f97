import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableId } from '../../src/layout/types';
import { LAYOUTS, layoutById, tableDef } from '../../src/layout/versions';
import { buildEnvelope } from '../../src/xml/envelope';
import {
  SAMPLE_FACILITY,
  sampleCheckIn,
  sampleXml1,
  sampleXml2,
  sampleXml3,
  sampleXml4,
} from '../../src/xml/sample-claim';
import { writeTable } from '../../src/xml/write-table';
import { envelopeXsd, tableXsd } from '../../src/xml/xsd';

/**
 * The generated documents against the generated XML Schemas, judged by an independent validator: xmllint from
 * libxml2 (Debian libxml2-utils). A good document must validate; a too-long value, a wrong date format, a wrong
 * element order, a missing element and a wrong LOAIHOSO must be rejected. Needs no stack, only /usr/bin/xmllint.
 */

const XMLLINT = '/usr/bin/xmllint';
const layout = layoutById('QD1804');
let dir: string;
let files = 0;

beforeAll(() => {
  if (!existsSync(XMLLINT)) throw new Error(`${XMLLINT} is missing: apt-get install libxml2-utils`);
  dir = mkdtempSync(join(tmpdir(), 'bhyt-xsd-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes both files and runs `xmllint --noout --schema`; returns its exit status and messages. */
function xmllint(xsd: string, xml: string): { status: number | null; output: string } {
  files++;
  const xsdPath = join(dir, `schema-${files}.xsd`);
  const xmlPath = join(dir, `doc-${files}.xml`);
  writeFileSync(xsdPath, xsd, 'utf8');
  writeFileSync(xmlPath, xml, 'utf8');
  const run = spawnSync(XMLLINT, ['--noout', '--schema', xsdPath, xmlPath], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function expectValid(xsd: string, xml: string): void {
  const result = xmllint(xsd, xml);
  expect(result.output).toContain('validates');
  expect(result.status).toBe(0);
}

/** xmllint exit status 3 = "validation failed" (5 would be a broken schema, which must not count as a rejection). */
function expectRejected(xsd: string, xml: string, message: RegExp): void {
  const result = xmllint(xsd, xml);
  expect(result.output).toMatch(/fails to validate/);
  expect(result.output).toMatch(message);
  expect(result.status).toBe(3);
}

const def = (id: TableId) => tableDef(layout, id);

describe('generated documents against generated XSDs (xmllint)', () => {
  it.each<[TableId, () => Record<string, string | undefined>[]]>([
    ['XML0', () => [sampleCheckIn()]],
    ['XML1', () => [sampleXml1()]],
    ['XML2', sampleXml2],
    ['XML3', sampleXml3],
    ['XML4', sampleXml4],
  ])('%s of a real claim validates', (id, rows) => {
    expectValid(tableXsd(def(id)), writeTable(def(id), rows()));
  });

  it('rejects a value longer than the layout width', () => {
    const row = { ...sampleXml1(), HO_TEN: `Công Tôn Nữ ${'Thị '.repeat(62)}Hồng` };
    expectRejected(tableXsd(def('XML1')), writeTable(def('XML1'), [row]), /HO_TEN.*length/);
    const before1931 = tableDef(layoutById('QD3176'), 'XML2');
    const drugs = sampleXml2().map((r) => ({ ...r, MUC_HUONG: '47.5' }));
    expectRejected(tableXsd(before1931), writeTable(before1931, drugs), /MUC_HUONG/);
    expectValid(tableXsd(def('XML2')), writeTable(def('XML2'), drugs));
  });

  it('rejects a wrong date or date-time format', () => {
    const drugs = sampleXml2();
    drugs[1] = { ...drugs[1], NGAY_YL: '18/11/2026 09:30' };
    expectRejected(tableXsd(def('XML2')), writeTable(def('XML2'), drugs), /NGAY_YL/);
    const summary = { ...sampleXml1(), GT_THE_DEN: '2026-12-31' };
    expectRejected(tableXsd(def('XML1')), writeTable(def('XML1'), [summary]), /GT_THE_DEN/);
  });

  it('rejects a wrong number format and a value outside a code list', () => {
    const services = sampleXml3();
    services[0] = { ...services[0], THANH_TIEN_BV: '38700.005' };
    expectRejected(tableXsd(def('XML3')), writeTable(def('XML3'), services), /THANH_TIEN_BV/);
    const summary = { ...sampleXml1(), KET_QUA_DTRI: '9' };
    expectRejected(tableXsd(def('XML1')), writeTable(def('XML1'), [summary]), /KET_QUA_DTRI/);
  });

  it('rejects elements in the wrong order and a missing element', () => {
    const xml = writeTable(def('XML3'), sampleXml3());
    const swapped = xml.replace(
      /(<MA_PTTT_QT(?:\/>|>[^<]*<\/MA_PTTT_QT>))(<MA_VAT_TU(?:\/>|>[^<]*<\/MA_VAT_TU>))/,
      '$2$1',
    );
    expect(swapped).not.toBe(xml);
    expectRejected(tableXsd(def('XML3')), swapped, /MA_VAT_TU/);
    const missing = writeTable(def('XML4'), sampleXml4()).replace('<DON_VI_DO>g/L</DON_VI_DO>', '');
    expectRejected(tableXsd(def('XML4')), missing, /MO_TA.*Expected is \( DON_VI_DO \)/);
  });

  it('rejects an empty required element', () => {
    const xml = writeTable(def('XML1'), [{ ...sampleXml1(), MA_BENH_CHINH: '' }]);
    expectRejected(tableXsd(def('XML1')), xml, /MA_BENH_CHINH/);
  });

  it('accepts a ds:Signature inside the check-in CHUKYDONVI', () => {
    const signed = writeTable(def('XML0'), [sampleCheckIn()]).replace(
      '<CHUKYDONVI/>',
      '<CHUKYDONVI><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></CHUKYDONVI>',
    );
    expectValid(tableXsd(def('XML0')), signed);
  });

  it('validates a minimal document of every table of every layout (the schemas compile and match the writer)', () => {
    // XML0–XML4 have many required elements and are covered with full rows above; the others require only
    // MA_LK and STT.
    const coveredAbove = new Set<TableId>(['XML0', 'XML1', 'XML2', 'XML3', 'XML4']);
    for (const version of LAYOUTS) {
      for (const id of Object.keys(version.tables) as TableId[]) {
        if (coveredAbove.has(id)) continue;
        const table = tableDef(version, id);
        const row: Record<string, string> = {};
        for (const field of table.fields) {
          if (field.name === 'MA_LK') row[field.name] = 'LK-1';
          if (field.name === 'STT') row[field.name] = '1';
        }
        expectValid(tableXsd(table), writeTable(table, [row]));
      }
    }
  });

  it('validates the QĐ 130 layout of XML1 against its own schema', () => {
    const qd130 = tableDef(layoutById('QD130'), 'XML1');
    const row: Record<string, string | undefined> = {
      ...sampleXml1(),
      SO_CCCD: '079185001234',
      MA_LOAI_KCB: '03',
    };
    delete row['NHOM_MAU'];
    expectValid(tableXsd(qd130), writeTable(qd130, [row]));
  });
});

describe('the GIAMDINHHS envelope against its XSD (xmllint)', () => {
  const files = () => [
    { table: 'XML1' as const, xml: writeTable(def('XML1'), [sampleXml1()]) },
    { table: 'XML2' as const, xml: writeTable(def('XML2'), sampleXml2()) },
    { table: 'XML3' as const, xml: writeTable(def('XML3'), sampleXml3()) },
    { table: 'XML4' as const, xml: writeTable(def('XML4'), sampleXml4()) },
  ];
  const envelope = () =>
    buildEnvelope({ facilityCode: SAMPLE_FACILITY, createdOn: '20261122', files: files() });

  it('validates, unsigned and with a signature in CHUKYDONVI', () => {
    expectValid(envelopeXsd(layout), envelope());
    const signed = envelope().replace(
      '<CHUKYDONVI/>',
      '<CHUKYDONVI><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature></CHUKYDONVI>',
    );
    expectValid(envelopeXsd(layout), signed);
  });

  it('rejects an unknown LOAIHOSO, bad base64, a bad NGAYLAP and a wrong order', () => {
    expectRejected(
      envelopeXsd(layout),
      envelope().replace('<LOAIHOSO>XML4</LOAIHOSO>', '<LOAIHOSO>XML12</LOAIHOSO>'),
      /LOAIHOSO/,
    );
    expectRejected(
      envelopeXsd(layout),
      envelope().replace(/<NOIDUNGFILE>[^<]{10}/, '<NOIDUNGFILE>!!!!'),
      /NOIDUNGFILE/,
    );
    expectRejected(
      envelopeXsd(layout),
      envelope().replace('<NGAYLAP>20261122</NGAYLAP>', '<NGAYLAP>22/11/2026</NGAYLAP>'),
      /NGAYLAP/,
    );
    const reordered = envelope().replace(
      /<THONGTINDONVI>(.*?)<\/THONGTINDONVI>(<THONGTINHOSO>.*<\/THONGTINHOSO>)/,
      '$2<THONGTINDONVI>$1</THONGTINDONVI>',
    );
    expectRejected(envelopeXsd(layout), reordered, /THONGTINHOSO/);
  });

  it('validates the QĐ 130 envelope (no namespace declarations) against its schema', () => {
    const qd130 = layoutById('QD130');
    const xml1 = tableDef(qd130, 'XML1');
    const row: Record<string, string | undefined> = { ...sampleXml1(), MA_LOAI_KCB: '03' };
    delete row['NHOM_MAU'];
    const xml = buildEnvelope({
      facilityCode: SAMPLE_FACILITY,
      createdOn: '20240115',
      files: [{ table: 'XML1', xml: writeTable(xml1, [row]) }],
      layout: qd130,
    });
    expectValid(envelopeXsd(qd130), xml);
  });
});

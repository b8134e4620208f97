import { FACILITY_CODE } from '../layout/code-lists';
import { FORMAT_PATTERNS } from '../layout/formats';
import type { FieldDef, Layout, TableDef } from '../layout/types';
import { LAYOUTS } from '../layout/versions';
import { escapeXml } from './chars';

/**
 * XML Schemas WRITTEN FROM the layout definitions, so an independent validator (xmllint, the portal's own tools)
 * can check what the writer produces. They describe exactly the writer's form:
 * - elements in the layout's sequence, every element present (minOccurs 1: the writer always writes them, as
 *   the BHXH skeletons do); optional values may be empty, required ones may not (minLength 1);
 * - every value is xs:string, numbers included: the lexical form is what matters ("01" keeps its zero, no
 *   exponent, no sign), so numbers get patterns (integer, ≤2 or ≤3 decimals, percent) instead of xs:decimal;
 * - xs:maxLength = the layout width (XSD counts characters, as checkRows does);
 * - date-time yyyymmddHHMM and date yyyymmdd patterns (calendars such as 31 February are checkRows' job);
 * - single-valued code lists as xs:enumeration; per-item patterns for ';'-lists (no empty items);
 * - the trailing CHUKYDONVI (check-in and envelope) holds anything, so a ds:Signature validates (lax).
 *
 * Several constraints on one value are separate derivation steps (nested xs:restriction), because several
 * xs:pattern facets in ONE step are OR-ed by XML Schema, not AND-ed.
 */

const SIGNATURE_SLOT_TYPE =
  '  <xs:complexType name="SignatureSlot">\n' +
  '    <xs:sequence>\n' +
  '      <xs:any namespace="##any" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>\n' +
  '    </xs:sequence>\n' +
  '  </xs:complexType>\n';

function schema(comment: string, body: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    `<!-- ${comment} -->\n` +
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="unqualified">\n' +
    body +
    SIGNATURE_SLOT_TYPE +
    '</xs:schema>\n'
  );
}

/** The XSD of one table document of one layout version. */
export function tableXsd(def: TableDef): string {
  const fields = (depth: number): string =>
    def.fields.map((f) => `${pad(depth)}${fieldElement(f)}\n`).join('');
  const signature = def.signatureSlot
    ? `${pad(8)}<xs:element name="CHUKYDONVI" type="SignatureSlot"/>\n`
    : '';
  let body: string;
  if (def.list === null || def.record === null) {
    body = sequence(2, def.root, fields(8) + signature);
  } else {
    const record = sequence(14, def.record, fields(20), ' maxOccurs="unbounded"');
    body = sequence(2, def.root, sequence(8, def.list, record) + signature);
  }
  return schema(
    `XML Schema of ${def.id} (${def.title}) in layout ${def.layoutId}, generated from the layout definition (spec ${def.specSection}).`,
    body,
  );
}

/** The XSD of the GIAMDINHHS envelope (spec §1.2) as `layout` allows it (default: the newest layout). */
export function envelopeXsd(layout: Layout = LAYOUTS[LAYOUTS.length - 1]): string {
  const string = (facets: string): string =>
    `<xs:simpleType><xs:restriction base="xs:string">${facets}</xs:restriction></xs:simpleType>`;
  const leaf = (depth: number, name: string, type: string): string =>
    `${pad(depth)}<xs:element name="${name}">${type}</xs:element>\n`;
  const tables = layout.envelope.tables.map((t) => `<xs:enumeration value="${t}"/>`).join('');
  const base64 =
    '<xs:simpleType><xs:restriction base="xs:base64Binary"><xs:minLength value="1"/></xs:restriction></xs:simpleType>';
  const file = sequence(
    26,
    'FILEHOSO',
    leaf(32, 'LOAIHOSO', string(tables)) + leaf(32, 'NOIDUNGFILE', base64),
    ' maxOccurs="unbounded"',
  );
  // One HOSO per envelope: the BHXH API takes one episode per call (spec §1.2 [S]); SOLUONGHOSO is its count.
  const list = sequence(14, 'DANHSACHHOSO', sequence(20, 'HOSO', file));
  const info = sequence(
    8,
    'THONGTINHOSO',
    leaf(14, 'NGAYLAP', string(`<xs:pattern value="${FORMAT_PATTERNS.date}"/>`)) +
      leaf(14, 'SOLUONGHOSO', string('<xs:pattern value="1"/>')) +
      list,
  );
  const unit = sequence(
    8,
    'THONGTINDONVI',
    leaf(14, 'MACSKCB', string(`<xs:pattern value="${escapeXml(FACILITY_CODE.regex)}"/>`)),
  );
  const signature = `${pad(8)}<xs:element name="CHUKYDONVI" type="SignatureSlot"/>\n`;
  return schema(
    `XML Schema of the GIAMDINHHS envelope in layout ${layout.id} (spec §1.2), generated.`,
    sequence(2, 'GIAMDINHHS', unit + info + signature),
  );
}

/** `<xs:element name=…><xs:complexType><xs:sequence>content</xs:sequence></xs:complexType></xs:element>` */
function sequence(depth: number, name: string, content: string, occurs = ''): string {
  const indent = pad(depth);
  return (
    `${indent}<xs:element name="${name}"${occurs}>\n` +
    `${indent}  <xs:complexType>\n` +
    `${indent}    <xs:sequence>\n` +
    content +
    `${indent}    </xs:sequence>\n` +
    `${indent}  </xs:complexType>\n` +
    `${indent}</xs:element>\n`
  );
}

function pad(depth: number): string {
  return ' '.repeat(depth);
}

/** One field as a one-line xs:element with its anonymous simple type. */
export function fieldElement(field: FieldDef): string {
  const facets: string[] = [];
  if (field.maxLength !== null) facets.push(`<xs:maxLength value="${field.maxLength}"/>`);
  if (field.required) facets.push('<xs:minLength value="1"/>');
  if (field.codes && !field.multi) {
    const values = field.required ? field.codes : ['', ...field.codes];
    for (const code of values) facets.push(`<xs:enumeration value="${escapeXml(code)}"/>`);
  }
  const patterns = valuePatterns(field);
  if (facets.length === 0 && patterns.length === 0)
    return `<xs:element name="${field.name}" type="xs:string"/>`;
  return `<xs:element name="${field.name}"><xs:simpleType>${restriction(patterns, facets)}</xs:simpleType></xs:element>`;
}

/** The patterns a value must match, one per constraint (each becomes its own derivation step). */
function valuePatterns(field: FieldDef): string[] {
  const item: string[] = [];
  if (field.format) item.push(FORMAT_PATTERNS[field.format]);
  if (field.pattern) item.push(field.pattern.regex);
  if (field.codes && field.multi) item.push(field.codes.map(escapeRegex).join('|'));
  let whole: string[];
  if (field.multi) {
    const repeat = field.maxItems === null ? '*' : `{0,${field.maxItems - 1}}`;
    // Without an item pattern a list still may not have empty items.
    whole = (item.length > 0 ? item : ['[^;]+']).map((p) => `(${p})(;(${p}))${repeat}`);
  } else {
    whole = item;
  }
  return field.required ? whole : whole.map((p) => `(${p})?`);
}

/** Nested restrictions: the innermost has base xs:string, each outer one adds one pattern; facets outermost. */
function restriction(patterns: readonly string[], facets: readonly string[]): string {
  const pattern = (p: string): string => `<xs:pattern value="${escapeXml(p)}"/>`;
  if (patterns.length <= 1) {
    return `<xs:restriction base="xs:string">${patterns.map(pattern).join('')}${facets.join('')}</xs:restriction>`;
  }
  const inner = restriction(patterns.slice(0, -1), []);
  return `<xs:restriction><xs:simpleType>${inner}</xs:simpleType>${pattern(patterns[patterns.length - 1])}${facets.join('')}</xs:restriction>`;
}

/** Escapes the characters XML Schema regular expressions give a meaning (its SingleCharEsc set). */
function escapeRegex(literal: string): string {
  return literal.replace(/[\\|.?*+(){}[\]^-]/g, (c) => `\\${c}`);
}

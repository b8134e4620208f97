import { parseCalendarDate, type Failure } from '@hosp/standards-bhyt';
import { FACILITY_CODE } from '../layout/code-lists';
import { anchored } from '../layout/formats';
import { isTableId, type Layout, type TableId } from '../layout/types';
import { LAYOUTS, tableDef } from '../layout/versions';
import { elementChildren, leafText, parseXml, type XmlElement, type XmlParseErrorCode } from './parse';
import type { ReadOptions } from './read-table';
import { XML_DECLARATION, XmlWriteError } from './write-table';

/**
 * The GIAMDINHHS envelope of one claim (spec §1.2, BHXH letters 3190/2023 and 1245/2024 [P]):
 *
 *   GIAMDINHHS [xmlns:xsi, xmlns:xsd from the 2024 letter]
 *     THONGTINDONVI / MACSKCB                      5-character facility code
 *     THONGTINHOSO / NGAYLAP                        yyyymmdd [S/C]
 *                  / SOLUONGHOSO                    1: one episode (MA_LK) per API call [S]
 *                  / DANHSACHHOSO / HOSO / FILEHOSO { LOAIHOSO, NOIDUNGFILE = base64 of the UTF-8 document }
 *     CHUKYDONVI                                    empty; the facility signature goes here (spec §1.3)
 *
 * Written in the same single-line form as the tables (write-table.ts), for the same reason: stable bytes to sign.
 * The files are written in the order of the layout's envelope list (XML1, XML2, …), whatever order they come in.
 */

export interface EnvelopeFile {
  readonly table: TableId;
  /** The complete child document, e.g. from writeTable(). */
  readonly xml: string;
}

export interface EnvelopeInput {
  /** MACSKCB, the 5-character facility code. */
  readonly facilityCode: string;
  /** NGAYLAP, yyyymmdd. */
  readonly createdOn: string;
  readonly files: readonly EnvelopeFile[];
  /** The layout whose envelope rules apply (namespaces, allowed tables); default: the newest. */
  readonly layout?: Layout;
}

const NAMESPACES =
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const FACILITY = anchored(FACILITY_CODE.regex);
const LATEST = (): Layout => LAYOUTS[LAYOUTS.length - 1];
/** The first element name of a document, after an optional BOM, XML declaration, comments and white space. */
const FIRST_ELEMENT = /^\uFEFF?(?:<\?xml[^>]*\?>)?(?:\s|<!--[^]*?-->)*<([A-Za-z_][A-Za-z0-9._-]*)/;

/** Tables any version allows in an envelope (everything but the check-in and XML12). */
const ENVELOPE_TABLES: ReadonlySet<TableId> = new Set(LAYOUTS.flatMap((l) => l.envelope.tables));

export function buildEnvelope(input: EnvelopeInput): string {
  const layout = input.layout ?? LATEST();
  if (!FACILITY.test(input.facilityCode)) {
    throw new XmlWriteError(
      `facilityCode '${input.facilityCode}' is not a 5-character facility code (spec §1.2)`,
    );
  }
  if (!/^[0-9]{8}$/.test(input.createdOn) || !parseCalendarDate(input.createdOn).ok) {
    throw new XmlWriteError(`createdOn '${input.createdOn}' is not a yyyymmdd date (NGAYLAP, spec §1.2)`);
  }
  const byTable = new Map<TableId, string>();
  for (const file of input.files) {
    if (!layout.envelope.tables.includes(file.table)) {
      throw new XmlWriteError(`${file.table} cannot be sent in a ${layout.id} envelope (spec §1.2)`);
    }
    if (byTable.has(file.table)) throw new XmlWriteError(`${file.table} is given twice; one file per table`);
    byTable.set(file.table, file.xml);
  }
  if (!byTable.has('XML1')) throw new XmlWriteError('an envelope always carries XML1 (spec §1.1)');
  for (const [table, xml] of byTable) {
    // A guard against files filed under the wrong LOAIHOSO (e.g. the XML2 document sent as XML3).
    const root = tableDef(layout, table).root;
    const found = FIRST_ELEMENT.exec(xml)?.[1];
    if (found !== root) {
      throw new XmlWriteError(
        `the ${table} file's root is <${found ?? '?'}>; a ${table} document has <${root}>`,
      );
    }
  }

  let files = '';
  for (const table of layout.envelope.tables) {
    const xml = byTable.get(table);
    if (xml === undefined) continue;
    files += `<FILEHOSO><LOAIHOSO>${table}</LOAIHOSO><NOIDUNGFILE>${Buffer.from(xml, 'utf8').toString('base64')}</NOIDUNGFILE></FILEHOSO>`;
  }
  return (
    `${XML_DECLARATION}<GIAMDINHHS${layout.envelope.declareNamespaces ? NAMESPACES : ''}>` +
    `<THONGTINDONVI><MACSKCB>${input.facilityCode}</MACSKCB></THONGTINDONVI>` +
    `<THONGTINHOSO><NGAYLAP>${input.createdOn}</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO>` +
    `<DANHSACHHOSO><HOSO>${files}</HOSO></DANHSACHHOSO></THONGTINHOSO>` +
    `<CHUKYDONVI/></GIAMDINHHS>`
  );
}

// ---------------------------------------------------------------------------------------------------------

export type ReadEnvelopeErrorCode =
  | XmlParseErrorCode
  | 'WRONG_ROOT'
  | 'MISSING_ELEMENT'
  | 'UNEXPECTED_ELEMENT'
  | 'UNEXPECTED_TEXT'
  | 'DUPLICATE_ELEMENT'
  | 'BAD_FACILITY_CODE'
  | 'BAD_DATE'
  | 'BAD_COUNT'
  | 'MULTIPLE_HOSO'
  | 'NO_FILES'
  | 'UNKNOWN_TABLE'
  | 'DUPLICATE_TABLE'
  | 'BAD_BASE64'
  | 'BAD_UTF8';

export interface EnvelopeContent {
  readonly ok: true;
  readonly facilityCode: string;
  readonly createdOn: string;
  /** The decoded child documents, in document order; read each with readTable(). */
  readonly files: readonly EnvelopeFile[];
  /** CHUKYDONVI has content (a signature, not verified here). */
  readonly signed: boolean;
}

export type ReadEnvelopeResult = EnvelopeContent | Failure<ReadEnvelopeErrorCode>;

export interface ReadEnvelopeOptions extends ReadOptions {
  /** Accept only the tables this layout allows in an envelope (default: any version's, XML1–11 and XML13–15). */
  readonly layout?: Layout;
}

/** Reads a GIAMDINHHS envelope; never throws, never hangs (see parse.ts). */
export function readEnvelope(xml: string, options: ReadEnvelopeOptions = {}): ReadEnvelopeResult {
  try {
    return readParsed(xml, options);
  } catch (error) {
    return fail(
      'MALFORMED_XML',
      `unreadable envelope: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function readParsed(xml: string, options: ReadEnvelopeOptions): ReadEnvelopeResult {
  const parsed = parseXml(xml, options);
  if (!parsed.ok) return parsed;
  const root = parsed.root;
  if (root.name !== 'GIAMDINHHS')
    return fail('WRONG_ROOT', `the root element is <${root.name}>, not <GIAMDINHHS>`);
  const top = single(
    root,
    ['THONGTINDONVI', 'THONGTINHOSO', 'CHUKYDONVI'],
    ['THONGTINDONVI', 'THONGTINHOSO'],
  );
  if ('ok' in top) return top;

  const unit = single(top.THONGTINDONVI, ['MACSKCB'], ['MACSKCB']);
  if ('ok' in unit) return unit;
  const facilityCode = text(unit.MACSKCB);
  if ('ok' in facilityCode) return facilityCode;
  if (!FACILITY.test(facilityCode.value)) {
    return fail(
      'BAD_FACILITY_CODE',
      `MACSKCB '${facilityCode.value.slice(0, 40)}' is not a 5-character facility code`,
    );
  }

  const info = single(
    top.THONGTINHOSO,
    ['NGAYLAP', 'SOLUONGHOSO', 'DANHSACHHOSO'],
    ['NGAYLAP', 'SOLUONGHOSO', 'DANHSACHHOSO'],
  );
  if ('ok' in info) return info;
  const createdOn = text(info.NGAYLAP);
  if ('ok' in createdOn) return createdOn;
  if (!/^[0-9]{8}$/.test(createdOn.value) || !parseCalendarDate(createdOn.value).ok) {
    return fail('BAD_DATE', `NGAYLAP '${createdOn.value.slice(0, 40)}' is not a yyyymmdd date`);
  }
  const count = text(info.SOLUONGHOSO);
  if ('ok' in count) return count;

  const hosoList = children(info.DANHSACHHOSO);
  if (!Array.isArray(hosoList)) return hosoList;
  for (const h of hosoList) if (h.name !== 'HOSO') return unexpected(h, info.DANHSACHHOSO);
  if (count.value !== String(hosoList.length)) {
    return fail('BAD_COUNT', `SOLUONGHOSO '${count.value.slice(0, 20)}' but ${hosoList.length} HOSO`);
  }
  if (hosoList.length !== 1) {
    return fail('MULTIPLE_HOSO', `${hosoList.length} HOSO; one envelope carries one episode (spec §1.2)`);
  }

  const allowed: ReadonlySet<TableId> = options.layout
    ? new Set(options.layout.envelope.tables)
    : ENVELOPE_TABLES;
  const fileElements = children(hosoList[0]);
  if (!Array.isArray(fileElements)) return fileElements;
  if (fileElements.length === 0) return fail('NO_FILES', 'HOSO holds no FILEHOSO');
  const files: EnvelopeFile[] = [];
  for (const element of fileElements) {
    if (element.name !== 'FILEHOSO') return unexpected(element, hosoList[0]);
    const parts = single(element, ['LOAIHOSO', 'NOIDUNGFILE'], ['LOAIHOSO', 'NOIDUNGFILE']);
    if ('ok' in parts) return parts;
    const type = text(parts.LOAIHOSO);
    if ('ok' in type) return type;
    const table = type.value.trim();
    if (!isTableId(table) || !allowed.has(table)) {
      return fail('UNKNOWN_TABLE', `LOAIHOSO '${table.slice(0, 40)}' is not a table an envelope may carry`);
    }
    if (files.some((f) => f.table === table))
      return fail('DUPLICATE_TABLE', `LOAIHOSO ${table} appears twice`);
    const content = text(parts.NOIDUNGFILE);
    if ('ok' in content) return content;
    const decoded = decodeBase64Utf8(content.value, table);
    if ('ok' in decoded) return decoded;
    files.push({ table, xml: decoded.value });
  }
  const signature = top.CHUKYDONVI;
  const signed =
    signature !== undefined && signature.children.some((c) => typeof c !== 'string' || c.trim() !== '');
  return { ok: true, facilityCode: facilityCode.value, createdOn: createdOn.value, files, signed };
}

/** Strict base64 (line breaks tolerated, as some producers wrap at 76), then strict UTF-8. */
function decodeBase64Utf8(raw: string, table: string): { value: string } | Failure<ReadEnvelopeErrorCode> {
  const b64 = raw.replace(/[ \t\n\r]+/g, '');
  if (b64 === '') return fail('BAD_BASE64', `NOIDUNGFILE of ${table} is empty`);
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    return fail('BAD_BASE64', `NOIDUNGFILE of ${table} is not valid base64`);
  }
  const bytes = Buffer.from(b64, 'base64');
  try {
    return { value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fail('BAD_UTF8', `NOIDUNGFILE of ${table} is not UTF-8 text`);
  }
}

/** The element children of `parent` by name, each at most once, only `allowed` ones, all `required` present. */
function single<K extends string>(
  parent: XmlElement,
  allowed: readonly K[],
  required: readonly K[],
): Record<K, XmlElement> | Failure<ReadEnvelopeErrorCode> {
  const list = children(parent);
  if (!Array.isArray(list)) return list;
  const found: Partial<Record<K, XmlElement>> = {};
  for (const child of list) {
    const name = child.name as K;
    if (!allowed.includes(name)) return unexpected(child, parent);
    if (found[name]) return fail('DUPLICATE_ELEMENT', `<${name}> appears twice inside <${parent.name}>`);
    found[name] = child;
  }
  for (const name of required) {
    if (!found[name]) return fail('MISSING_ELEMENT', `<${parent.name}> has no <${name}>`);
  }
  return found as Record<K, XmlElement>;
}

function text(element: XmlElement): { value: string } | Failure<ReadEnvelopeErrorCode> {
  const value = leafText(element);
  return value === null ? fail('UNEXPECTED_ELEMENT', `<${element.name}> must hold text only`) : { value };
}

function children(element: XmlElement): XmlElement[] | Failure<ReadEnvelopeErrorCode> {
  const result = elementChildren(element);
  return typeof result === 'string' ? fail('UNEXPECTED_TEXT', result) : result;
}

function unexpected(child: XmlElement, parent: XmlElement): Failure<ReadEnvelopeErrorCode> {
  return fail('UNEXPECTED_ELEMENT', `<${child.name}> is not expected inside <${parent.name}>`);
}

function fail(code: ReadEnvelopeErrorCode, reason: string): Failure<ReadEnvelopeErrorCode> {
  return { ok: false, code, reason };
}

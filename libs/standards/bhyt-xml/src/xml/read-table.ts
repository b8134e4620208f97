import type { Failure } from '@hosp/standards-bhyt';
import type { TableDef } from '../layout/types';
import {
  elementChildren,
  leafText,
  parseXml,
  type XmlElement,
  type XmlParseErrorCode,
  type XmlParseOptions,
} from './parse';

/**
 * Reads a table document (one decoded NOIDUNGFILE, or a check-in document) back into rows.
 *
 * Strict about structure, lenient about what carries no data:
 * - the root, list and record elements must be the table's (spec §1.1), and a record may hold only the
 *   table's elements, each at most once, each text only (CDATA accepted: one exporter uses it, spec §1.5 [C]);
 *   anything else is a failure, so data is never silently dropped;
 * - element ORDER is not enforced and a missing element is simply absent from the row (the XSD of tableXsd()
 *   and checkRows() are where order and required elements are judged);
 * - whitespace between elements (indented documents of other producers) is ignored; the text of a field is
 *   returned exactly, spaces included; attributes are ignored;
 * - the check-in's trailing CHUKYDONVI may hold a signature; its content is not read here (signing/ verifies it).
 *
 * Hostile input never throws and never hangs (see parse.ts): it returns `{ ok: false, code, reason }`.
 */

export type ReadRow = Readonly<Record<string, string>>;

export type ReadTableErrorCode =
  | XmlParseErrorCode
  | 'WRONG_ROOT'
  | 'MISSING_ELEMENT'
  | 'UNEXPECTED_ELEMENT'
  | 'UNEXPECTED_TEXT'
  | 'DUPLICATE_ELEMENT'
  | 'NOT_A_LEAF'
  | 'NO_RECORDS';

export type ReadTableResult = { readonly ok: true; readonly rows: ReadRow[] } | Failure<ReadTableErrorCode>;

export type ReadOptions = XmlParseOptions;

export function readTable(def: TableDef, xml: string, options: ReadOptions = {}): ReadTableResult {
  try {
    return readParsed(def, xml, options);
  } catch (error) {
    // Defence in depth: nothing below is expected to throw, but a reader of hostile input must not.
    return fail(
      'MALFORMED_XML',
      `unreadable document: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function readParsed(def: TableDef, xml: string, options: ReadOptions): ReadTableResult {
  const parsed = parseXml(xml, options);
  if (!parsed.ok) return parsed;
  const root = parsed.root;
  if (root.name !== def.root) {
    return fail('WRONG_ROOT', `the root element is <${root.name}>; ${def.id} documents have <${def.root}>`);
  }
  if (def.list === null || def.record === null) {
    const record = readRecord(def, root, 1);
    return record.ok ? { ok: true, rows: [record.row] } : record;
  }

  const top = children(root);
  if (!Array.isArray(top)) return top;
  let list: XmlElement | undefined;
  for (const child of top) {
    if (child.name === def.list && !list) list = child;
    else if (child.name === 'CHUKYDONVI' && def.signatureSlot && child === top[top.length - 1]) continue;
    else return unexpected(child, root);
  }
  if (!list) return fail('MISSING_ELEMENT', `<${def.root}> has no <${def.list}>`);
  const records = children(list);
  if (!Array.isArray(records)) return records;
  if (records.length === 0) return fail('NO_RECORDS', `<${def.list}> holds no <${def.record}>`);
  const rows: ReadRow[] = [];
  for (const record of records) {
    if (record.name !== def.record) return unexpected(record, list);
    const read = readRecord(def, record, rows.length + 1);
    if (!read.ok) return read;
    rows.push(read.row);
  }
  return { ok: true, rows };
}

function readRecord(
  def: TableDef,
  record: XmlElement,
  index: number,
): { readonly ok: true; readonly row: ReadRow } | Failure<ReadTableErrorCode> {
  const known = fieldNames(def);
  const fields = children(record);
  if (!Array.isArray(fields)) return fields;
  const row: Record<string, string> = {};
  for (const field of fields) {
    if (field.name === 'CHUKYDONVI' && def.signatureSlot && record.name === def.root) continue;
    if (!known.has(field.name)) {
      return fail(
        'UNEXPECTED_ELEMENT',
        `record ${index}: <${field.name}> is not an element of ${def.layoutId} ${def.id}`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(row, field.name)) {
      return fail('DUPLICATE_ELEMENT', `record ${index}: <${field.name}> appears twice`);
    }
    const text = leafText(field);
    if (text === null)
      return fail('NOT_A_LEAF', `record ${index}: <${field.name}> contains elements, not text`);
    row[field.name] = text;
  }
  return { ok: true, row };
}

const namesCache = new WeakMap<TableDef, ReadonlySet<string>>();

function fieldNames(def: TableDef): ReadonlySet<string> {
  let names = namesCache.get(def);
  if (!names) {
    names = new Set(def.fields.map((f) => f.name));
    namesCache.set(def, names);
  }
  return names;
}

function children(element: XmlElement): XmlElement[] | Failure<ReadTableErrorCode> {
  const result = elementChildren(element);
  return typeof result === 'string' ? fail('UNEXPECTED_TEXT', result) : result;
}

function unexpected(child: XmlElement, parent: XmlElement): Failure<ReadTableErrorCode> {
  return fail('UNEXPECTED_ELEMENT', `<${child.name}> is not expected inside <${parent.name}>`);
}

function fail(code: ReadTableErrorCode, reason: string): Failure<ReadTableErrorCode> {
  return { ok: false, code, reason };
}

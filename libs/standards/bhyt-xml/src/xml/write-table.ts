import type { TableDef } from '../layout/types';
import { codePointLabel, escapeXml, findInvalidXmlChar } from './chars';

/**
 * The table writer: rows of already formatted strings → one complete UTF-8 XML 130 document.
 *
 * Written by hand (string building) on purpose. The layout, not the row object, decides the element order;
 * the exact bytes must be stable because they are signed (spec §1.3 [I]: "never re-serialise after signing")
 * and regenerated years later; and the format is flat text elements only. An XML builder library would add a
 * dependency and its own serialisation choices without doing anything we need.
 *
 * The form, fixed and documented:
 * - `<?xml version="1.0" encoding="utf-8"?>` then the root element directly, NO newlines or indentation
 *   anywhere (CR/LF inside values are written as `&#13;`/`&#10;`, see chars.ts): one line per document;
 * - every element of the layout, in the layout's order, present in every record; an empty or undefined value
 *   is written `<X/>` as in the BHXH skeletons (spec §1.5 [P]);
 * - `<`, `&`, `>`, `"`, `'` escaped as entity references; everything else (Vietnamese included) written as
 *   itself; the caller encodes the string as UTF-8 (Buffer.from(xml, 'utf8')), as the declaration says;
 * - the check-in root ends with `<CHUKYDONVI/>` (spec §1.2), where the signature will go.
 *
 * It computes nothing: values are text the caller formatted (amounts, dates). Only programming errors throw
 * (XmlWriteError): an unknown key (so a typo cannot silently drop data), a non-string value, a wrong record
 * count, a character XML cannot carry. Run checkRows() first for the data errors a person must fix.
 */

/** One record: element name → formatted text; undefined or '' is written as an empty element. */
export type XmlRow = Readonly<Record<string, string | undefined>>;

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

export class XmlWriteError extends Error {
  override readonly name = 'XmlWriteError';
}

interface CompiledTable {
  readonly names: ReadonlySet<string>;
  readonly fields: readonly {
    readonly name: string;
    readonly open: string;
    readonly close: string;
    readonly empty: string;
  }[];
  readonly head: string;
  readonly tail: string;
  readonly recordOpen: string;
  readonly recordClose: string;
}

const compiled = new WeakMap<TableDef, CompiledTable>();

function compile(def: TableDef): CompiledTable {
  let table = compiled.get(def);
  if (!table) {
    const single = def.list === null || def.record === null;
    const signature = def.signatureSlot ? '<CHUKYDONVI/>' : '';
    table = {
      names: new Set(def.fields.map((f) => f.name)),
      fields: def.fields.map((f) => ({
        name: f.name,
        open: `<${f.name}>`,
        close: `</${f.name}>`,
        empty: `<${f.name}/>`,
      })),
      head: single ? `${XML_DECLARATION}<${def.root}>` : `${XML_DECLARATION}<${def.root}><${def.list}>`,
      tail: single ? `${signature}</${def.root}>` : `</${def.list}>${signature}</${def.root}>`,
      recordOpen: single ? '' : `<${def.record}>`,
      recordClose: single ? '' : `</${def.record}>`,
    };
    compiled.set(def, table);
  }
  return table;
}

/** The complete document for `rows` of table `def`; see the module comment for the exact form. */
export function writeTable(def: TableDef, rows: readonly XmlRow[]): string {
  const table = compile(def);
  const where = `${def.layoutId} ${def.id}`;
  if (def.list === null && rows.length !== 1) {
    throw new XmlWriteError(
      `${where} is a single-record document (root ${def.root}); got ${rows.length} rows`,
    );
  }
  if (rows.length === 0) {
    throw new XmlWriteError(`${where}: no rows; a table without records is not sent (spec §1.1)`);
  }
  let out = table.head;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (const key of Object.keys(row)) {
      if (!table.names.has(key)) {
        throw new XmlWriteError(
          `${where} row ${r + 1}: unknown element ${key} (not in the ${def.layoutId} layout)`,
        );
      }
    }
    out += table.recordOpen;
    for (const field of table.fields) {
      const value = row[field.name];
      if (value === undefined || value === '') {
        out += field.empty;
        continue;
      }
      if (typeof value !== 'string') {
        throw new XmlWriteError(
          `${where} row ${r + 1}: ${field.name} must be a formatted string, got ${typeof value}`,
        );
      }
      const bad = findInvalidXmlChar(value);
      if (bad >= 0) {
        throw new XmlWriteError(
          `${where} row ${r + 1}: ${field.name} contains ${codePointLabel(value, bad)}, which XML 1.0 cannot carry`,
        );
      }
      out += field.open + escapeXml(value) + field.close;
    }
    out += table.recordClose;
  }
  return out + table.tail;
}

/**
 * The shape of a versioned XML 130 layout: which tables exist, their element names and the ordered fields with
 * type, width, format and code list. The layouts themselves are DATA (qd130-*.ts and the patches qd4750.ts,
 * qd3176.ts, qd1931.ts, qd1804.ts); the writer, reader, XSD generator and checks are driven by it, so a
 * correction by a later decision is one entry in one patch file (spec, vietnam-bhyt-emr.md §0 [I]: "hold each
 * table's layout as versioned configuration with an effective date, not as code").
 */

/** The check-in table ("XML0", spec §1.6) and XML1…XML15 (spec §1.1). */
export type TableId =
  | 'XML0'
  | 'XML1'
  | 'XML2'
  | 'XML3'
  | 'XML4'
  | 'XML5'
  | 'XML6'
  | 'XML7'
  | 'XML8'
  | 'XML9'
  | 'XML10'
  | 'XML11'
  | 'XML12'
  | 'XML13'
  | 'XML14'
  | 'XML15';

export const TABLE_IDS: readonly TableId[] = [
  'XML0',
  'XML1',
  'XML2',
  'XML3',
  'XML4',
  'XML5',
  'XML6',
  'XML7',
  'XML8',
  'XML9',
  'XML10',
  'XML11',
  'XML12',
  'XML13',
  'XML14',
  'XML15',
];

export function isTableId(value: string): value is TableId {
  return (TABLE_IDS as readonly string[]).includes(value);
}

/** The decisions that define or patch the layout, oldest first. */
export type LayoutId = 'QD130' | 'QD4750' | 'QD3176' | 'QD1931' | 'QD1804';

/** "Chuỗi" (string) or "Số" (number), spec §1.5. */
export type FieldType = 'S' | 'N';

/**
 * The value formats the spec gives (§1.5 and the table rows). The regular expressions live in formats.ts, the
 * one place both the checks and the XSD generator read them from.
 *
 * - `datetime`: yyyymmddHHMM, 12 characters, 24-hour (§1.5).
 * - `birth-datetime`: like datetime, but month+day may be "0000" when unknown (§1.7 item 6, NGAY_SINH).
 * - `date-or-datetime`: yyyymmdd or yyyymmddHHMM (§1.7 item 20, NGAY_MIEN_CCT).
 * - `date`: yyyymmdd, 8 characters (§1.5).
 * - `amount`: money, at most 2 decimals, "." separator (§1.5).
 * - `quantity`, `price`: at most 3 decimals (§1.5).
 * - `weight`: kilograms with at most 2 decimals (§1.7 item 59, CAN_NANG).
 * - `integer`: digits only (codes, counts, years).
 * - `number`: a non-negative decimal whose precision the spec does not give.
 * - `percent`: 0–100, at most 2 decimals (TYLE_TT_*, MUC_HUONG; 47.5 is possible from QĐ 1931, §1.12).
 */
export type FieldFormat =
  | 'datetime'
  | 'birth-datetime'
  | 'date-or-datetime'
  | 'date'
  | 'amount'
  | 'quantity'
  | 'price'
  | 'weight'
  | 'integer'
  | 'number'
  | 'percent';

/**
 * An extra pattern a value must match (per item for multi-value fields), written in the common subset of
 * XML Schema and JavaScript regular expressions (no anchors, no \d, no (?:), no lookaround), so the checks
 * and the XSD use the very same text. The checks anchor it as ^(?:…)$; XSD patterns are anchored already.
 */
export interface FieldPattern {
  readonly regex: string;
  /** The rule in words, with its source, for error messages, e.g. "9 or 12 digits … (spec §1.5 portal rule [S])". */
  readonly rule: string;
}

export interface FieldDef {
  /** The XML element name. */
  readonly name: string;
  readonly type: FieldType;
  /** Maximum length in characters (Unicode code points, as XSD counts them); null = unbounded ("n"). */
  readonly maxLength: number | null;
  readonly format: FieldFormat | null;
  /** A ';'-joined list of values (spec §1.5 "Multiple values"); format, pattern and catalogue apply per item. */
  readonly multi: boolean;
  /** At most this many ';'-separated items (e.g. MA_BENH_KT: 12), or null. */
  readonly maxItems: number | null;
  /** Must not be empty. Conditional requirements are rules (rules.ts), not this flag. */
  readonly required: boolean;
  /** Allowed values (non-empty values only; emptiness is `required`'s business), or null for any. */
  readonly codes: readonly string[] | null;
  /** Name and source of the code list, for error messages. */
  readonly codeList: string | null;
  readonly pattern: FieldPattern | null;
}

export interface TableDef {
  readonly id: TableId;
  /** The layout version this definition belongs to (set when the layout is assembled). */
  readonly layoutId: LayoutId;
  readonly title: string;
  /** Section of the spec that describes the table, for error messages. */
  readonly specSection: string;
  readonly root: string;
  /** List element; null for the single-record tables whose root holds the fields (XML1, 7, 8, 10, 11, 13, 14). */
  readonly list: string | null;
  /** Record element; null exactly when `list` is null. */
  readonly record: string | null;
  /** The root ends with an empty `<CHUKYDONVI/>` for the facility signature (only the check-in, spec §1.2). */
  readonly signatureSlot: boolean;
  /** False for XML12: assessment councils enter it on the portal, the HIS never sends it (spec §1.1). */
  readonly sentByHis: boolean;
  readonly fields: readonly FieldDef[];
}

/** The GIAMDINHHS envelope as a version defines it (spec §1.2). */
export interface EnvelopeDef {
  /** The 2024 (QĐ 4750) letter adds xmlns:xsi / xmlns:xsd on GIAMDINHHS; the 2023 one has none [P]. */
  readonly declareNamespaces: boolean;
  /** LOAIHOSO values the envelope may carry, in the order the files are written. */
  readonly tables: readonly TableId[];
}

export interface Layout {
  readonly id: LayoutId;
  readonly title: string;
  /** First day in force, 'YYYY-MM-DD'. */
  readonly effectiveFrom: string;
  /** Where the definition comes from, with the spec's tags. */
  readonly basis: string;
  /** What this version changed, in words (the base version lists none). */
  readonly changes: readonly string[];
  readonly tables: Readonly<Partial<Record<TableId, TableDef>>>;
  readonly envelope: EnvelopeDef;
}

/** A table as the data files write it; the layout it belongs to is stamped on when a version is assembled. */
export type TableSpec = Omit<TableDef, 'layoutId'>;

/**
 * One problem found by checkRows() / checkTotals(), located precisely enough for a person to fix it and for the
 * portal's own error list (spec §1.4 item 6) to be compared with ours.
 */
export interface LocatedError {
  /** 'XML0' … 'XML15'. */
  readonly table: string;
  /** 1-based record number; 0 for a problem of the table as a whole. */
  readonly row: number;
  /** The element concerned ('' when none applies). */
  readonly field: string;
  readonly code: CheckCode;
  /** A clear English sentence naming the value and the rule, with its source in the spec. */
  readonly reason: string;
}

export type CheckCode =
  // table level
  | 'ROW_COUNT'
  | 'STT_SEQUENCE'
  | 'MA_LK_MISMATCH'
  // one value
  | 'UNKNOWN_FIELD'
  | 'REQUIRED'
  | 'INVALID_CHARACTER'
  | 'TOO_LONG'
  | 'EMPTY_ITEM'
  | 'TOO_MANY_ITEMS'
  | 'NOT_A_NUMBER'
  | 'TOO_MANY_DECIMALS'
  | 'OUT_OF_RANGE'
  | 'BAD_DATETIME'
  | 'BAD_DATE'
  | 'BAD_FORMAT'
  | 'PATTERN'
  | 'NOT_IN_CODE_LIST'
  | 'UNKNOWN_DEPARTMENT'
  // rules across fields of one record
  | 'CONDITIONAL_REQUIRED'
  | 'ONLY_ONE_ALLOWED'
  | 'TIME_ORDER'
  | 'ITEM_COUNT_MISMATCH'
  // XML1 totals
  | 'TOTAL_MISMATCH'
  | 'TOTALS_UNCHECKED';

/** A value quoted in a reason: at most 40 characters, so a 10 MB field cannot flood a log line. */
export function quote(value: string): string {
  return value.length > 40 ? `'${value.slice(0, 40)}…'` : `'${value}'`;
}

import type { CodeList } from './code-lists';
import type { FieldDef, FieldFormat, FieldPattern } from './types';

/**
 * A compact notation for the layout tables, so that each table file reads like the appendix it transcribes:
 * `S('HO_TEN', 255, REQ)` is "String 255, required", `N('STT', 10, REQ)` "Number 10, required". Every FieldDef
 * gets every property (no optional ones), so consumers never guess a default.
 */

export interface FieldOptions {
  readonly format?: FieldFormat;
  readonly multi?: boolean;
  readonly maxItems?: number;
  readonly required?: boolean;
  readonly codes?: CodeList;
  readonly pattern?: FieldPattern;
}

/** A "Chuỗi" (string) element; maxLength null = "n" (unbounded). */
export function S(name: string, maxLength: number | null, ...options: FieldOptions[]): FieldDef {
  return field(name, 'S', maxLength, null, options);
}

/** A "Số" (number) element; an integer unless a format says otherwise. */
export function N(name: string, maxLength: number | null, ...options: FieldOptions[]): FieldDef {
  return field(name, 'N', maxLength, 'integer', options);
}

function field(
  name: string,
  type: FieldDef['type'],
  maxLength: number | null,
  defaultFormat: FieldFormat | null,
  options: readonly FieldOptions[],
): FieldDef {
  const o: FieldOptions = Object.assign({}, ...options);
  return {
    name,
    type,
    maxLength,
    format: o.format ?? defaultFormat,
    multi: o.multi ?? false,
    maxItems: o.maxItems ?? null,
    required: o.required ?? false,
    codes: o.codes?.codes ?? null,
    codeList: o.codes?.label ?? null,
    pattern: o.pattern ?? null,
  };
}

// Option shorthands, combinable: S('GT_THE_TU', null, MULTI, DATE).
export const REQ: FieldOptions = { required: true };
export const MULTI: FieldOptions = { multi: true };
export const DATETIME: FieldOptions = { format: 'datetime' };
export const DATE: FieldOptions = { format: 'date' };
export const AMOUNT: FieldOptions = { format: 'amount' };
export const QUANTITY: FieldOptions = { format: 'quantity' };
export const PRICE: FieldOptions = { format: 'price' };
export const PERCENT: FieldOptions = { format: 'percent' };
export const codes = (list: CodeList): FieldOptions => ({ codes: list });
export const pattern = (p: FieldPattern): FieldOptions => ({ pattern: p });

/** A yyyymmddHHMM element, String 12 (spec §1.5). */
export const dateTime = (name: string, ...options: FieldOptions[]): FieldDef =>
  S(name, 12, DATETIME, ...options);
/** A yyyymmdd element, String 8 (spec §1.5). */
export const date = (name: string, ...options: FieldOptions[]): FieldDef => S(name, 8, DATE, ...options);
/** A money amount, Number 15, ≤2 decimals (spec §1.5); amounts are written even when 0, so required. */
export const amount = (name: string, ...options: FieldOptions[]): FieldDef =>
  N(name, 15, AMOUNT, REQ, ...options);

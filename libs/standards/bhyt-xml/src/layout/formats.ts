import type { FieldFormat } from './types';

/**
 * The lexical form of each value format (spec §1.5), as ONE regular expression text in the common subset of XML
 * Schema and JavaScript syntax, so that tableXsd() and checkRows() cannot disagree about what is well formed.
 * XSD cannot check calendars (31 February) or ranges beyond what a pattern expresses; checkRows() adds those
 * (check-fields.ts).
 */

const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[12][0-9]|3[01])';
const TIME = '([01][0-9]|2[0-3])[0-5][0-9]';
const DATE = `[0-9]{4}${MONTH}${DAY}`;

export const FORMAT_PATTERNS: Readonly<Record<FieldFormat, string>> = {
  datetime: `${DATE}${TIME}`,
  // NGAY_SINH: "unknown day+month 0000" (spec §1.7 item 6).
  'birth-datetime': `[0-9]{4}(${MONTH}${DAY}|0000)${TIME}`,
  'date-or-datetime': `${DATE}(${TIME})?`,
  date: DATE,
  amount: '[0-9]+(\\.[0-9]{1,2})?',
  quantity: '[0-9]+(\\.[0-9]{1,3})?',
  price: '[0-9]+(\\.[0-9]{1,3})?',
  weight: '[0-9]+(\\.[0-9]{1,2})?',
  integer: '[0-9]+',
  number: '[0-9]+(\\.[0-9]+)?',
  percent: '(100(\\.0{1,2})?|[0-9]{1,2}(\\.[0-9]{1,2})?)',
};

/** The format in words, for error messages. */
export const FORMAT_DESCRIPTIONS: Readonly<Record<FieldFormat, string>> = {
  datetime: 'a date-time yyyymmddHHMM (12 digits, 24-hour)',
  'birth-datetime': 'a date-time yyyymmddHHMM, with month and day 0000 when unknown',
  'date-or-datetime': 'a date yyyymmdd or a date-time yyyymmddHHMM',
  date: 'a date yyyymmdd (8 digits)',
  amount: 'an amount with at most 2 decimals and "." as separator',
  quantity: 'a quantity with at most 3 decimals and "." as separator',
  price: 'a unit price with at most 3 decimals and "." as separator',
  weight: 'a weight in kg with at most 2 decimals and "." as separator',
  integer: 'a whole number (digits only)',
  number: 'a non-negative decimal number with "." as separator',
  percent: 'a percentage from 0 to 100 with at most 2 decimals',
};

/** Formats that are numbers: a bad value is "not a number" or "too many decimals", never a calendar error. */
export const NUMERIC_FORMATS: ReadonlySet<FieldFormat> = new Set([
  'amount',
  'quantity',
  'price',
  'weight',
  'integer',
  'number',
  'percent',
]);

/** Decimals allowed by each numeric format (null: any). */
export const FORMAT_DECIMALS: Readonly<Partial<Record<FieldFormat, number | null>>> = {
  amount: 2,
  quantity: 3,
  price: 3,
  weight: 2,
  integer: 0,
  number: null,
  percent: 2,
};

/** `^(?:…)$` around a shared pattern, for JavaScript. */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** True when yyyymmdd (the first 8 characters of `value`) is a real calendar day. */
export function isCalendarDay(value: string): boolean {
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

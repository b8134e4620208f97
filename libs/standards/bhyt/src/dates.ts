import { fail, type Failure } from './result';

/**
 * A small calendar-date helper, so card validity needs no date library. Dates are plain calendar days with no
 * time zone: 'YYYY-MM-DD' (ISO 8601), or the compact 'yyyymmdd' that XML 130 uses for GT_THE_TU / GT_THE_DEN
 * (QĐ 130 §1.5). A day is turned into a day number (days since 1970-01-01) through Date.UTC, which is exact
 * for whole days, so comparisons and "+15 days" never meet daylight-saving or local-time surprises.
 */

export type DateErrorCode = 'DATE_FORMAT' | 'DATE_INVALID';

export interface CalendarDate {
  readonly ok: true;
  /** Normalised 'YYYY-MM-DD'. */
  readonly value: string;
  /** Days since 1970-01-01. */
  readonly dayNumber: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export function parseCalendarDate(value: string): CalendarDate | Failure<DateErrorCode> {
  const text = typeof value === 'string' ? value.trim() : '';
  const m = ISO_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (!m) return fail('DATE_FORMAT', `date '${String(value)}' must be YYYY-MM-DD (or yyyymmdd)`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return fail('DATE_INVALID', `date '${text}' is not a calendar date`);
  }
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return { ok: true, value: iso, dayNumber: Date.UTC(year, month - 1, day) / MS_PER_DAY };
}

/** 'YYYY-MM-DD' of a day number. */
export function formatDayNumber(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days, as 'YYYY-MM-DD'; throws on a malformed date (programming error). */
export function addDays(date: string, days: number): string {
  return formatDayNumber(dayNumberOf(date) + days);
}

/** Negative, zero or positive as a is before, on or after b; throws on a malformed date. */
export function compareDates(a: string, b: string): number {
  return Math.sign(dayNumberOf(a) - dayNumberOf(b));
}

function dayNumberOf(date: string): number {
  const parsed = parseCalendarDate(date);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return parsed.dayNumber;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

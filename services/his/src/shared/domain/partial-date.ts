import { parseCalendarDate } from '@hosp/standards-bhyt';

/**
 * A date of birth as people know it: the claims standard (QĐ 130 §1.7 NGAY_SINH) accepts a year only or a
 * year and month when the day is unknown. Stored as "YYYY", "YYYY-MM" or "YYYY-MM-DD".
 */
export type PartialDateResult = { ok: true; value: string; year: number } | { ok: false; reason: string };

export function parsePartialDate(value: string, today = new Date()): PartialDateResult {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!m) return { ok: false, reason: 'must be YYYY, YYYY-MM or YYYY-MM-DD' };
  const year = Number(m[1]);
  if (year < 1880) return { ok: false, reason: `year ${year} is not plausible` };
  if (m[3] !== undefined) {
    const d = parseCalendarDate(value);
    if (!d.ok) return { ok: false, reason: d.reason };
  } else if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 12)) {
    return { ok: false, reason: `month ${m[2]} does not exist` };
  }
  const padded = m[3] !== undefined ? value : m[2] !== undefined ? `${value}-01` : `${value}-01-01`;
  if (padded > today.toISOString().slice(0, 10)) return { ok: false, reason: 'is in the future' };
  return { ok: true, value, year };
}

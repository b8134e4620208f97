import type { RangeSex, ReferenceRange } from './test-definition';
import { formatLimit } from './decimal';

/** Abnormal flags as LIS computes them (HL7 table 0078): N, L, H, LL, HH, and A for abnormal text results. */
export const FLAGS = ['N', 'L', 'H', 'LL', 'HH', 'A'] as const;
export type Flag = (typeof FLAGS)[number];

/**
 * The reference range that applies to a patient: the ranges of the patient's sex win over "any"; among those,
 * the narrowest age band containing the age. Unknown age: only a range without an age limit applies.
 * Unknown sex (or other): only "any" ranges. No match: null (no flag but critical limits; no auto-verification).
 */
export function selectRange(
  ranges: readonly ReferenceRange[],
  sex: string | null,
  ageDays: number | null,
): ReferenceRange | null {
  const fits = (r: ReferenceRange) =>
    ageDays === null
      ? r.ageFromDays === 0 && r.ageToDays === null
      : r.ageFromDays <= ageDays && (r.ageToDays === null || ageDays < r.ageToDays);
  const width = (r: ReferenceRange) => (r.ageToDays ?? Number.MAX_SAFE_INTEGER) - r.ageFromDays;
  const bySex = (s: RangeSex) =>
    ranges.filter((r) => r.sex === s && fits(r)).sort((a, b) => width(a) - width(b))[0];
  return (sex === 'male' || sex === 'female' ? bySex(sex) : undefined) ?? bySex('any') ?? null;
}

/**
 * The flag of a numeric value: beyond a critical limit (strictly below critical low, above critical high)
 * LL/HH; outside the reference range (limits inclusive) L/H; else N. Without a range only LL/HH or null.
 */
export function computeFlag(
  value: number,
  range: Pick<ReferenceRange, 'low' | 'high'> | null,
  critical: { low: string | null; high: string | null },
): Flag | null {
  if (critical.low !== null && value < Number(critical.low)) return 'LL';
  if (critical.high !== null && value > Number(critical.high)) return 'HH';
  if (!range) return null;
  if (range.low !== null && value < Number(range.low)) return 'L';
  if (range.high !== null && value > Number(range.high)) return 'H';
  return 'N';
}

export const isCritical = (flag: Flag | null): boolean => flag === 'LL' || flag === 'HH';

/** The range as HL7 OBX-7 writes it: "3.9-6.4", ">3.9" (lower limit only), "<6.4" (upper limit only). */
export function rangeText(range: Pick<ReferenceRange, 'low' | 'high'> | null): string {
  if (!range) return '';
  if (range.low !== null && range.high !== null)
    return `${formatLimit(range.low)}-${formatLimit(range.high)}`;
  if (range.low !== null) return `>${formatLimit(range.low)}`;
  return range.high !== null ? `<${formatLimit(range.high)}` : '';
}

/** The critical limits as text for CriticalResultRaised: "<2.5 or >25". */
export function criticalText(critical: { low: string | null; high: string | null }): string {
  return [
    critical.low !== null ? `<${formatLimit(critical.low)}` : '',
    critical.high !== null ? `>${formatLimit(critical.high)}` : '',
  ]
    .filter(Boolean)
    .join(' or ');
}

/** Whether the device itself flagged the value (anything but empty or N, HL7 OBX-8 / ASTM R-7). */
export function deviceFlagged(deviceFlags: string | null | undefined): boolean {
  const f = (deviceFlags ?? '').trim().toUpperCase();
  return f !== '' && f !== 'N';
}

/**
 * The hospital's calendar day of an instant. Accession numbers restart their sequence every day and the
 * worklist is asked for by day, so the service works in the facility's time zone (Vietnam has one, UTC+7, no
 * daylight saving).
 */
export const FACILITY_UTC_OFFSET_MINUTES = 7 * 60;
const OFFSET_MS = FACILITY_UTC_OFFSET_MINUTES * 60_000;
export const DAY_MS = 86_400_000;

export function facilityDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a facility day ("YYYY-MM-DD") starts. */
export function facilityMidnight(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** [start, end) of a facility day, for queries by scheduled date. */
export function facilityDayRange(day: string): { from: Date; to: Date } {
  const from = facilityMidnight(day);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/**
 * A date of birth as HIS sends it ("YYYY-MM-DD" as hosp.his.v1 documents it; the compact "YYYYMMDD" of HL7 and
 * older events is accepted too; year-only and year-month forms allowed, QĐ 130 §1.7), normalised to
 * "YYYY[-MM[-DD]]". Anything else is unknown (null).
 */
export function normaliseBirthDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const m = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return null;
  if (d !== undefined) {
    const date = new Date(`${y}-${mo}-${d}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(d)) return null;
    return `${y}-${mo}-${d}`;
  }
  return mo !== undefined ? `${y}-${mo}` : y;
}

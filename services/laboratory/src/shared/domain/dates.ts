/**
 * The hospital's calendar day of an instant. Accession numbers restart every day, so the service works in
 * the facility's time zone (Vietnam has one, UTC+7, no daylight saving).
 */
export const FACILITY_UTC_OFFSET_MINUTES = 7 * 60;

export function facilityDate(at: Date): string {
  return new Date(at.getTime() + FACILITY_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/**
 * A date of birth as HIS sends it ("YYYY-MM-DD" as hosp.his.v1 documents it; the compact "YYYYMMDD" of
 * HL7 and older events is accepted too; year-only and year-month forms allowed, QĐ 130 §1.7), normalised to
 * "YYYY[-MM[-DD]]".
 * Anything else is unknown (null): LIS then chooses reference ranges that do not depend on age.
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

/**
 * Age in whole days at an instant (the facility's calendar day). A partial birth date counts from its
 * earliest day (1 January, or the 1st of the month): the age can only be overestimated, by less than a year,
 * and only for patients whose day of birth is unknown, who are not neonates.
 */
export function ageInDays(birthDate: string | null | undefined, at: Date): number | null {
  const b = normaliseBirthDate(birthDate);
  if (!b) return null;
  const padded = b.length === 4 ? `${b}-01-01` : b.length === 7 ? `${b}-01` : b;
  const days = Math.floor(
    (Date.parse(`${facilityDate(at)}T00:00:00Z`) - Date.parse(`${padded}T00:00:00Z`)) / 86_400_000,
  );
  return days >= 0 ? days : null;
}

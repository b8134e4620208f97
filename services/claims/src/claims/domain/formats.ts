/**
 * Value formats of the QĐ 130 tables (the spec, vietnam-bhyt-emr.md §1.5): date-times are 12 characters
 * `yyyymmddHHMM` and dates 8 characters `yyyymmdd`, both the facility's wall-clock time. Vietnam has a single
 * time zone, UTC+7, without daylight saving, so the offset is a constant rather than a tz-database lookup.
 */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function local(d: Date): Date {
  return new Date(d.getTime() + VIETNAM_OFFSET_MS);
}

export function xmlDateTime(d: Date): string {
  const l = local(d);
  return (
    `${l.getUTCFullYear()}${pad(l.getUTCMonth() + 1)}${pad(l.getUTCDate())}` +
    `${pad(l.getUTCHours())}${pad(l.getUTCMinutes())}`
  );
}

export function xmlDate(d: Date): string {
  return xmlDateTime(d).slice(0, 8);
}

/** 'YYYY-MM-DD' (the events' card dates) -> 'yyyymmdd'. */
export function isoToXmlDate(iso: string): string {
  return iso.replaceAll('-', '');
}

/** The calendar day in Vietnam, 'YYYY-MM-DD', e.g. to check a card on the date of service. */
export function vietnamDay(d: Date): string {
  const s = xmlDate(d);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/**
 * NGAY_SINH from a possibly partial date of birth (§1.7 row 6): unknown time is "0000", unknown day and month
 * "0000". A year and month without a day is not described; its day is written "00" the same way.
 */
export function birthDateTime(partial: string): string {
  const [y = '', m = '00', d = '00'] = partial.split('-');
  return `${y}${m}${d}0000`;
}

/** Whole calendar days from `a` to `b` in Vietnam time (b − a), for SO_NGAY_DTRI. */
export function calendarDaysBetween(a: Date, b: Date): number {
  const day = (d: Date) =>
    Date.UTC(+xmlDate(d).slice(0, 4), +xmlDate(d).slice(4, 6) - 1, +xmlDate(d).slice(6, 8));
  return Math.round((day(b) - day(a)) / 86_400_000);
}

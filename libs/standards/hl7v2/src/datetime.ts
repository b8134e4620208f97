/**
 * HL7 date/time values: DTM, and TS whose first component is one (HL7 v2.5.1 Ch. 2A, data types DTM
 * and TS): YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ].
 */

export interface FormatDateTimeOptions {
  /** How much to write; 'second' by default (MSH-7 in most interface specs). */
  readonly precision?: 'day' | 'minute' | 'second' | 'millisecond';
  /**
   * Offset from UTC in minutes written as +/-ZZZZ; the host's by default. Vietnam is +420 (+0700). Pass
   * null to write no offset (then the receiver assumes its own local time, Ch. 2A DTM).
   */
  readonly utcOffsetMinutes?: number | null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatHl7DateTime(date: Date, options: FormatDateTimeOptions = {}): string {
  const offset =
    options.utcOffsetMinutes === undefined ? -date.getTimezoneOffset() : options.utcOffsetMinutes;
  // Shift to the wall clock of the offset, then read the UTC fields.
  const wall = new Date(date.getTime() + (offset ?? -date.getTimezoneOffset()) * 60_000);
  const precision = options.precision ?? 'second';
  let out = `${wall.getUTCFullYear()}${pad(wall.getUTCMonth() + 1)}${pad(wall.getUTCDate())}`;
  if (precision !== 'day') {
    out += `${pad(wall.getUTCHours())}${pad(wall.getUTCMinutes())}`;
    if (precision !== 'minute') out += pad(wall.getUTCSeconds());
    if (precision === 'millisecond') out += `.${pad(wall.getUTCMilliseconds(), 3)}`;
  }
  if (offset !== null) {
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    out += `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  }
  return out;
}

const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/;

/**
 * Parses a DTM (or the first component of a TS). A value without an offset is read at
 * `defaultUtcOffsetMinutes` (the host's by default). undefined when the text is not a DTM.
 */
export function parseHl7DateTime(value: string, defaultUtcOffsetMinutes?: number): Date | undefined {
  const m = DTM.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '0', zone] = m;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  let offset: number;
  if (zone) {
    const sign = zone[0] === '-' ? -1 : 1;
    offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  } else if (defaultUtcOffsetMinutes !== undefined) {
    offset = defaultUtcOffsetMinutes;
  } else {
    // The host's offset at that wall-clock time.
    offset = -new Date(utc).getTimezoneOffset();
  }
  const result = new Date(utc - offset * 60_000);
  return Number.isNaN(result.getTime()) ? undefined : result;
}

/**
 * E1394 dates and times (E1394-97 "Date and Time" data format): YYYYMMDD or YYYYMMDDHHMMSS (minutes and
 * seconds may be left out), in the instrument's local time with no UTC offset.
 */

const PATTERN = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?(\d{2})?)?$/;

/** YYYYMMDDHHMMSS of a Date in local time (or UTC with `utc: true`); YYYYMMDD with `dateOnly: true`. */
export function formatAstmDateTime(date: Date, options: { utc?: boolean; dateOnly?: boolean } = {}): string {
  const u = options.utc === true;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const d =
    p(u ? date.getUTCFullYear() : date.getFullYear(), 4) +
    p((u ? date.getUTCMonth() : date.getMonth()) + 1) +
    p(u ? date.getUTCDate() : date.getDate());
  if (options.dateOnly) return d;
  return (
    d +
    p(u ? date.getUTCHours() : date.getHours()) +
    p(u ? date.getUTCMinutes() : date.getMinutes()) +
    p(u ? date.getUTCSeconds() : date.getSeconds())
  );
}

/**
 * '20240627135407' -> '2024-06-27T13:54:07', '20240627' -> '2024-06-27' (local time, no offset: the
 * standard carries none). Undefined when the text is empty or not a valid date.
 */
export function astmDateTimeToIso(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (h === undefined) return `${y}-${mo}-${d}`;
  if (Number(h) > 23 || Number(mi ?? '0') > 59 || Number(s ?? '0') > 59) return undefined;
  return `${y}-${mo}-${d}T${h}:${mi ?? '00'}:${s ?? '00'}`;
}

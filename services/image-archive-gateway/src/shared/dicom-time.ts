/**
 * DICOM dates and times are local (PS3.5 §6.2 DA/TM) unless Timezone Offset From UTC (0008,0201) says
 * otherwise; the archive's local time is the hospital's (DICOM_TIMEZONE).
 */

function parts(at: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
}

/** An instant as DICOM DA and TM in the hospital's time zone. */
export function dicomDateTime(at: Date, timeZone: string): { date: string; time: string } {
  const p = parts(at, timeZone);
  return { date: `${p.year}${p.month}${p.day}`, time: `${p.hour}${p.minute}${p.second}` };
}

/**
 * DA + TM (local) to an instant. `offset` is (0008,0201) "+HHMM"/"-HHMM" when the object has it; otherwise
 * the time zone's offset at that moment. Undefined when the date is not a full DA.
 */
export function instantOf(
  date: string | undefined,
  time: string | undefined,
  timeZone: string,
  offset?: string,
): Date | undefined {
  if (!date || !/^\d{8}$/.test(date)) return undefined;
  const t = (time ?? '').replace(/:/g, '');
  const hh = Number(t.slice(0, 2) || 0);
  const mm = Number(t.slice(2, 4) || 0);
  const ss = Number(t.slice(4, 6) || 0);
  const ms = Math.round(Number(`0.${t.split('.')[1] ?? '0'}`) * 1000);
  const asUtc = Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(4, 6)) - 1,
    Number(date.slice(6, 8)),
    hh,
    mm,
    ss,
    ms,
  );
  if (offset && /^[+-]\d{4}$/.test(offset)) {
    const sign = offset[0] === '-' ? -1 : 1;
    return new Date(asUtc - sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5))) * 60_000);
  }
  // The zone's offset at (about) that instant: format the UTC guess in the zone and compare.
  const p = parts(new Date(asUtc), timeZone);
  const zoned = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return new Date(asUtc - (zoned - Math.floor(asUtc / 1000) * 1000));
}

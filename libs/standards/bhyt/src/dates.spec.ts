import { addDays, compareDates, parseCalendarDate } from './dates';

describe('calendar dates', () => {
  it('parses YYYY-MM-DD and the XML 130 yyyymmdd', () => {
    expect(parseCalendarDate('2025-03-31')).toEqual({ ok: true, value: '2025-03-31', dayNumber: 20178 });
    expect(parseCalendarDate('20250331')).toMatchObject({ ok: true, value: '2025-03-31' });
    expect(parseCalendarDate(' 1970-01-01 ')).toMatchObject({ ok: true, dayNumber: 0 });
  });

  it('refuses non-dates', () => {
    expect(parseCalendarDate('2025-02-29')).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseCalendarDate('2024-02-29')).toMatchObject({ ok: true });
    expect(parseCalendarDate('2025-13-01')).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseCalendarDate('2025-04-31')).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseCalendarDate('2025-00-10')).toMatchObject({ ok: false, code: 'DATE_INVALID' });
    expect(parseCalendarDate('31/03/2025')).toMatchObject({ ok: false, code: 'DATE_FORMAT' });
    expect(parseCalendarDate('2025-3-31')).toMatchObject({ ok: false, code: 'DATE_FORMAT' });
    expect(parseCalendarDate('202503311520')).toMatchObject({ ok: false, code: 'DATE_FORMAT' });
    expect(parseCalendarDate(undefined as unknown as string)).toMatchObject({
      ok: false,
      code: 'DATE_FORMAT',
    });
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2025-12-31', 15)).toBe('2026-01-15');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(() => addDays('nope', 1)).toThrow(RangeError);
  });

  it('compares dates in either form', () => {
    expect(compareDates('2025-01-01', '20250102')).toBe(-1);
    expect(compareDates('20250102', '2025-01-02')).toBe(0);
    expect(compareDates('2026-01-01', '2025-12-31')).toBe(1);
  });
});

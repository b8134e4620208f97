import { formatHl7DateTime, parseHl7DateTime } from './datetime';

describe('HL7 date/time (Ch. 2A DTM)', () => {
  const instant = new Date(Date.UTC(2024, 2, 15, 3, 30, 45, 120)); // 10:30:45.120 in Vietnam

  it('formats at a given offset and precision', () => {
    expect(formatHl7DateTime(instant, { utcOffsetMinutes: 420 })).toBe('20240315103045+0700');
    expect(formatHl7DateTime(instant, { utcOffsetMinutes: 420, precision: 'millisecond' })).toBe(
      '20240315103045.120+0700',
    );
    expect(formatHl7DateTime(instant, { utcOffsetMinutes: 0, precision: 'minute' })).toBe(
      '202403150330+0000',
    );
    expect(formatHl7DateTime(instant, { utcOffsetMinutes: -150, precision: 'day' })).toBe('20240315-0230');
    expect(formatHl7DateTime(instant, { utcOffsetMinutes: null })).toMatch(/^\d{14}$/);
  });

  it('parses every precision, with and without an offset', () => {
    expect(parseHl7DateTime('20240315103045+0700')).toEqual(new Date(Date.UTC(2024, 2, 15, 3, 30, 45)));
    expect(parseHl7DateTime('20240315103045.12+0700')).toEqual(
      new Date(Date.UTC(2024, 2, 15, 3, 30, 45, 120)),
    );
    expect(parseHl7DateTime('202403151030', 420)).toEqual(new Date(Date.UTC(2024, 2, 15, 3, 30)));
    expect(parseHl7DateTime('20240315', 0)).toEqual(new Date(Date.UTC(2024, 2, 15)));
    expect(parseHl7DateTime('2024', 0)).toEqual(new Date(Date.UTC(2024, 0, 1)));
    expect(parseHl7DateTime('2024-03-15')).toBeUndefined();
    expect(parseHl7DateTime('')).toBeUndefined();
  });

  it('round-trips', () => {
    const text = formatHl7DateTime(instant, { utcOffsetMinutes: 420, precision: 'millisecond' });
    expect(parseHl7DateTime(text)).toEqual(instant);
  });
});

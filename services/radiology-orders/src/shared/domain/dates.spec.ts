import { facilityDate, facilityDayRange, normaliseBirthDate } from './dates';

describe('facility dates (UTC+7)', () => {
  it('gives the facility day of an instant', () => {
    expect(facilityDate(new Date('2026-11-21T16:59:59Z'))).toBe('2026-11-21');
    expect(facilityDate(new Date('2026-11-21T17:00:00Z'))).toBe('2026-11-22');
  });

  it('gives the instants a facility day spans', () => {
    expect(facilityDayRange('2026-11-22')).toEqual({
      from: new Date('2026-11-21T17:00:00Z'),
      to: new Date('2026-11-22T17:00:00Z'),
    });
  });

  it('normalises birth dates, partial ones included', () => {
    expect(normaliseBirthDate('1985-03-12')).toBe('1985-03-12');
    expect(normaliseBirthDate('19850312')).toBe('1985-03-12');
    expect(normaliseBirthDate('1985')).toBe('1985');
    expect(normaliseBirthDate('1985-13')).toBeNull();
    expect(normaliseBirthDate('1985-02-30')).toBeNull();
    expect(normaliseBirthDate('')).toBeNull();
  });
});

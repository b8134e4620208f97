import { ageInDays, facilityDate, normaliseBirthDate } from './dates';

describe('dates', () => {
  it('counts the day in the facility time zone (UTC+7)', () => {
    expect(facilityDate(new Date('2026-11-19T17:30:00Z'))).toBe('2026-11-20');
    expect(facilityDate(new Date('2026-11-19T16:59:00Z'))).toBe('2026-11-19');
  });

  it('normalises both birth date forms HIS uses, partial ones included', () => {
    expect(normaliseBirthDate('19850312')).toBe('1985-03-12');
    expect(normaliseBirthDate('1985-03-12')).toBe('1985-03-12');
    expect(normaliseBirthDate('198503')).toBe('1985-03');
    expect(normaliseBirthDate('1985')).toBe('1985');
    expect(normaliseBirthDate('1985-02-30')).toBeNull();
    expect(normaliseBirthDate('12/03/1985')).toBeNull();
    expect(normaliseBirthDate('')).toBeNull();
  });

  it('computes the age in days, from the earliest day of a partial birth date', () => {
    const at = new Date('2026-11-20T03:00:00Z');
    expect(ageInDays('2026-11-13', at)).toBe(7);
    expect(ageInDays('2025-11-20', at)).toBe(365);
    expect(ageInDays('2026', at)).toBe(323);
    expect(ageInDays(null, at)).toBeNull();
    expect(ageInDays('2027-01-01', at)).toBeNull();
  });
});

import { roundDecimal, isDecimal, formatLimit } from './decimal';
import { computeFlag, criticalText, deviceFlagged, rangeText, selectRange } from './flags';
import type { ReferenceRange } from './test-definition';

const range = (r: Partial<ReferenceRange>): ReferenceRange => ({
  sex: 'any',
  ageFromDays: 0,
  ageToDays: null,
  low: null,
  high: null,
  ...r,
});

describe('decimal values', () => {
  it('takes plain decimals only (no exponent, no censoring prefix)', () => {
    for (const v of ['5', '5.6', '-0.25', '+3', ' 7.10 ']) expect(isDecimal(v)).toBe(true);
    for (const v of ['', '1e3', '<0.01', '>500', '5,6', 'abc', '.5']) expect(isDecimal(v)).toBe(false);
  });

  it('rounds half away from zero in decimal arithmetic, padding to the decimals', () => {
    expect(roundDecimal('5.55', 1)).toBe('5.6');
    expect(roundDecimal('1.005', 2)).toBe('1.01');
    expect(roundDecimal('5', 2)).toBe('5.00');
    expect(roundDecimal('-2.45', 1)).toBe('-2.5');
    expect(roundDecimal('-0.04', 1)).toBe('0.0');
    expect(roundDecimal('9.96', 1)).toBe('10.0');
    expect(roundDecimal('123.4', 0)).toBe('123');
    expect(roundDecimal('0.5', 0)).toBe('1');
  });

  it('drops trailing zeros of a limit', () => {
    expect(formatLimit('3.90')).toBe('3.9');
    expect(formatLimit('4.000')).toBe('4');
    expect(formatLimit('120')).toBe('120');
  });
});

describe('reference ranges and flags', () => {
  const ranges = [
    range({ sex: 'male', ageFromDays: 6570, low: '62', high: '120' }),
    range({ sex: 'female', ageFromDays: 6570, low: '53', high: '100' }),
    range({ sex: 'any', ageFromDays: 0, ageToDays: 6570, low: '27', high: '62' }),
    range({ sex: 'any', low: '50', high: '110' }),
  ];

  it('prefers the patient sex, then the narrowest age band', () => {
    expect(selectRange(ranges, 'female', 15000)?.high).toBe('100');
    expect(selectRange(ranges, 'male', 15000)?.high).toBe('120');
    expect(selectRange(ranges, 'male', 3000)?.high).toBe('62');
    expect(selectRange(ranges, 'other', 15000)?.high).toBe('110');
  });

  it('uses only an age-independent range when the age is unknown, and none when nothing fits', () => {
    expect(selectRange(ranges, 'female', null)?.high).toBe('110');
    expect(selectRange([ranges[0]], 'female', 15000)).toBeNull();
    expect(selectRange([ranges[2]], null, null)).toBeNull();
  });

  it('flags L/H outside the range (limits inclusive) and LL/HH beyond the critical limits', () => {
    const r = { low: '3.9', high: '6.4' };
    const crit = { low: '2.5', high: '25' };
    expect(computeFlag(3.9, r, crit)).toBe('N');
    expect(computeFlag(6.4, r, crit)).toBe('N');
    expect(computeFlag(3.8, r, crit)).toBe('L');
    expect(computeFlag(6.5, r, crit)).toBe('H');
    expect(computeFlag(2.5, r, crit)).toBe('L');
    expect(computeFlag(2.4, r, crit)).toBe('LL');
    expect(computeFlag(25.1, r, crit)).toBe('HH');
    expect(computeFlag(30, null, crit)).toBe('HH');
    expect(computeFlag(5, null, crit)).toBeNull();
    expect(computeFlag(5, { low: null, high: '5.2' }, { low: null, high: null })).toBe('N');
  });

  it('writes ranges and critical limits the HL7 OBX-7 way', () => {
    expect(rangeText({ low: '3.90', high: '6.40' })).toBe('3.9-6.4');
    expect(rangeText({ low: '60', high: null })).toBe('>60');
    expect(rangeText({ low: null, high: '5.2' })).toBe('<5.2');
    expect(rangeText(null)).toBe('');
    expect(criticalText({ low: '2.5', high: '25' })).toBe('<2.5 or >25');
    expect(criticalText({ low: null, high: '6.0' })).toBe('>6');
  });

  it('reads a device flag as anything but empty or N', () => {
    expect(deviceFlagged('')).toBe(false);
    expect(deviceFlagged('N')).toBe(false);
    expect(deviceFlagged(' H ')).toBe(true);
    expect(deviceFlagged(null)).toBe(false);
  });
});

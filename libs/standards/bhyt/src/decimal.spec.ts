import { divRoundHalfUp, formatUnits, parseDecimal } from './decimal';

describe('parseDecimal', () => {
  it.each<[number | string, number, bigint]>([
    ['12.345', 3, 12345n],
    ['12.3', 3, 12300n],
    ['12', 2, 1200n],
    [' 0.33 ', 3, 330n],
    [0.33, 3, 330n],
    ['1.500000', 1, 15n],
    [0, 2, 0n],
    ['007', 0, 7n],
  ])('%p at scale %i is %p', (value, scale, units) => {
    expect(parseDecimal(value, scale, 'x')).toEqual({ ok: true, units });
  });

  it('refuses precision loss, exponents, separators and negatives', () => {
    expect(parseDecimal(0.1 + 0.2, 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_PRECISION' });
    expect(parseDecimal('1.2345', 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_PRECISION' });
    expect(parseDecimal(1e21, 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_FORMAT' });
    expect(parseDecimal('1,5', 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_FORMAT' });
    expect(parseDecimal('.5', 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_FORMAT' });
    expect(parseDecimal('', 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_FORMAT' });
    expect(parseDecimal(Number.NaN, 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_FORMAT' });
    expect(parseDecimal('-1', 3, 'x')).toMatchObject({ ok: false, code: 'DECIMAL_NEGATIVE' });
    expect(parseDecimal('-1.5', 1, 'x', { allowNegative: true })).toEqual({ ok: true, units: -15n });
    expect(parseDecimal('-0', 1, 'x')).toEqual({ ok: true, units: 0n });
  });
});

describe('divRoundHalfUp', () => {
  it('rounds halves away from zero and everything else to nearest', () => {
    expect(divRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divRoundHalfUp(-15n, 10n)).toBe(-2n);
    expect(divRoundHalfUp(-14n, 10n)).toBe(-1n);
    expect(divRoundHalfUp(10n, 10n)).toBe(1n);
    expect(() => divRoundHalfUp(1n, 0n)).toThrow(RangeError);
  });
});

describe('formatUnits', () => {
  it('writes the shortest decimal form', () => {
    expect(formatUnits(350000000n, 2)).toBe('3500000');
    expect(formatUnits(12340n, 2)).toBe('123.4');
    expect(formatUnits(12345n, 2)).toBe('123.45');
    expect(formatUnits(5n, 2)).toBe('0.05');
    expect(formatUnits(0n, 2)).toBe('0');
    expect(formatUnits(-5n, 2)).toBe('-0.05');
    expect(formatUnits(475n, 1)).toBe('47.5');
    expect(formatUnits(42n, 0)).toBe('42');
  });
});

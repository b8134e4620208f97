import { fail, type Failure } from './result';

/**
 * Exact fixed-point arithmetic on bigint, for the QĐ 130 money rules (§1.5, §1.12): quantities and unit prices
 * carry up to 3 decimals, amounts are rounded to 2 decimals. A value is held as an integer count of
 * 10^-scale units (e.g. 1234.5 at scale 3 is 1234500n), products are exact, and there is exactly one rounding
 * step per output field, so no binary floating-point artefact (0.1 + 0.2) can reach an XML amount.
 *
 * Inputs may be decimal strings ('12.345') or JS numbers; a number is read through its shortest round-trip
 * decimal form (String(n)), so 0.33 is read as 0.33 while 0.1 + 0.2 (0.30000000000000004) is refused for
 * having more decimals than allowed rather than silently rounded.
 */

export type DecimalInput = number | string;

export type DecimalErrorCode = 'DECIMAL_FORMAT' | 'DECIMAL_PRECISION' | 'DECIMAL_NEGATIVE';

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses `value` into units of 10^-scale; refuses more than `scale` decimals, exponents and (by default) negatives. */
export function parseDecimal(
  value: DecimalInput,
  scale: number,
  label: string,
  options: { allowNegative?: boolean } = {},
): { ok: true; units: bigint } | Failure<DecimalErrorCode> {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return fail('DECIMAL_FORMAT', `${label} must be a finite decimal number`);
  }
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const m = DECIMAL.exec(text);
  if (!m) return fail('DECIMAL_FORMAT', `${label} '${String(value)}' is not a plain decimal number`);
  const [, sign, whole, fraction = ''] = m;
  const trimmedFraction = fraction.replace(/0+$/, '');
  if (trimmedFraction.length > scale) {
    return fail('DECIMAL_PRECISION', `${label} '${text}' has more than ${scale} decimals`);
  }
  const magnitude = BigInt(whole + trimmedFraction.padEnd(scale, '0'));
  if (sign === '-' && magnitude !== 0n && !options.allowNegative) {
    return fail('DECIMAL_NEGATIVE', `${label} must not be negative`);
  }
  return { ok: true, units: sign === '-' ? -magnitude : magnitude };
}

/** numerator / denominator rounded half away from zero (half-up for the non-negative amounts of QĐ 130). */
export function divRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  if (numerator < 0n) return -divRoundHalfUp(-numerator, denominator);
  return (2n * numerator + denominator) / (2n * denominator);
}

/** Shortest decimal text of a count of 10^-scale units: 350000000n at scale 2 is '3500000', 12340n is '123.4'. */
export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

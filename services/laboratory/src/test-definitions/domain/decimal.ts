const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** A plain decimal number as analyzers send it ("5.6", "-0.25", "120"): no exponent, no "<" or ">" prefix. */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/**
 * Rounds a decimal string half away from zero to exactly `decimals` places, in decimal arithmetic (so that
 * "5.55" rounds to "5.6", which binary floating point gets wrong), padding with zeros when shorter.
 */
export function roundDecimal(value: string, decimals: number): string {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new Error(`${value} is not a decimal number`);
  const [, sign, int, frac = ''] = m;
  const kept = frac.padEnd(decimals, '0').slice(0, decimals);
  let digits = BigInt(int + kept);
  if (frac.length > decimals && frac[decimals] >= '5') digits += 1n;
  const text = digits.toString().padStart(decimals + 1, '0');
  const out = decimals > 0 ? `${text.slice(0, -decimals)}.${text.slice(-decimals)}` : text;
  return digits === 0n || sign !== '-' ? out : `-${out}`;
}

/** Formats a limit for a range text: trailing zeros of a numeric column dropped ("3.90" -> "3.9"). */
export function formatLimit(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

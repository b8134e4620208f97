/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence a JSON value signs as.
 *
 * Written here rather than taken from npm because the `canonicalize` package is not among the workspace's
 * dependencies and the scheme is small: JCS is defined in terms of ECMAScript's own JSON serialisation, so
 * the engine does the hard parts (RFC 8785 §3.2.2.3 number formatting is Number.prototype.toString, which
 * JSON.stringify uses; §3.2.2.2 string escaping is JSON.stringify's). What JCS adds:
 * - no whitespace (§3.2.1);
 * - object properties sorted by their names as arrays of UTF-16 code units, recursively (§3.2.3): the default
 *   Array.prototype.sort order, which compares code units and ignores locale;
 * - array order kept;
 * - input must be I-JSON (RFC 7493, §3.1 of RFC 8785): no NaN or Infinity, no lone surrogates in strings or
 *   property names. JSON.stringify would write NaN as null and escape a lone surrogate as \udxxx, so both are
 *   refused here instead.
 * The caller encodes the result as UTF-8 (§3.2.4) before hashing or verifying.
 */
export class JcsError extends Error {}

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new JcsError(`${path}: ${value} is not a JSON number`);
      // ES number serialisation: -0 becomes "0", 1e21 stays "1e+21", 0.000001 stays "0.000001".
      return JSON.stringify(value);
    case 'string':
      return string(value, path);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => serialize(v, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new JcsError(`${path}: only plain objects, arrays and JSON primitives can be canonicalised`);
      const entries = Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map(
          (k) =>
            `${string(k, `${path} property name`)}:${serialize((value as Record<string, unknown>)[k], `${path}.${k}`)}`,
        );
      return `{${entries.join(',')}}`;
    }
    default:
      throw new JcsError(`${path}: a ${typeof value} is not JSON`);
  }
}

function string(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new JcsError(`${path}: contains a lone UTF-16 surrogate (not I-JSON)`);
  return JSON.stringify(s);
}

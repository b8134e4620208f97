/**
 * The failure half of every parse/check result in this library: a machine code (stable, for code and logs)
 * and a clear English reason (for people). Successes carry `ok: true` and their own fields.
 */
export interface Failure<C extends string> {
  readonly ok: false;
  readonly code: C;
  readonly reason: string;
}

export function fail<C extends string>(code: C, reason: string): Failure<C> {
  return { ok: false, code, reason };
}

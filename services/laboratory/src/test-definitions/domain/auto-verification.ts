import type { AutoVerificationRule } from './test-definition';
import { deviceFlagged, type Flag } from './flags';

export interface AutoVerificationCheck {
  check: string;
  passed: boolean;
  detail: string;
}

export interface AutoVerificationOutcome {
  passed: boolean;
  /** The rule applied (its code), or null when the test has none. */
  rule: string | null;
  checks: AutoVerificationCheck[];
}

export interface AutoVerificationInput {
  /** Numeric value (already rounded), or null for a non-numeric result. */
  value: number | null;
  flag: Flag | null;
  deviceFlags: string | null;
  /** HL7 OBX-11 / ASTM R-9 as sent. */
  resultStatus: string;
  /** The patient's previous final result of the same test. */
  previous: { value: number | null; releasedAt: Date } | null;
  at: Date;
  /** A result attached by hand (resolved from the held list) always goes to human validation. */
  manual?: boolean;
}

/**
 * Evaluates a test's auto-verification rule; every check is recorded with its outcome, so a validator sees why
 * a result waits for them. All must pass for the result to be released without human validation.
 */
export function evaluateAutoVerification(
  rule: AutoVerificationRule | null,
  r: AutoVerificationInput,
): AutoVerificationOutcome {
  if (!rule)
    return {
      passed: false,
      rule: null,
      checks: [{ check: 'rule', passed: false, detail: 'the test has no auto-verification rule' }],
    };
  const checks: AutoVerificationCheck[] = [];
  const add = (check: string, passed: boolean, detail: string) => checks.push({ check, passed, detail });

  if (r.manual) add('source', false, 'attached by hand from the held results: needs human validation');
  const status = r.resultStatus.trim().toUpperCase();
  add(
    'status',
    status === '' || status === 'F' || status === 'C',
    status === 'P' ? 'preliminary result' : `result status ${status || '(none)'}`,
  );
  add('numeric', r.value !== null, r.value !== null ? 'numeric value' : 'not a numeric value');
  add(
    'critical',
    r.flag !== 'LL' && r.flag !== 'HH',
    r.flag === 'LL' || r.flag === 'HH' ? `critical (${r.flag})` : 'not critical',
  );
  const flagOk = r.flag === 'N' || (!!rule.allowAbnormal && (r.flag === 'L' || r.flag === 'H'));
  add('flag', flagOk, r.flag === null ? 'no reference range applies to the patient' : `flag ${r.flag}`);
  add(
    'device-flags',
    !deviceFlagged(r.deviceFlags),
    deviceFlagged(r.deviceFlags) ? `device flagged ${r.deviceFlags}` : 'no device flag',
  );
  if (r.value !== null && (rule.low != null || rule.high != null)) {
    const inside =
      (rule.low == null || r.value >= Number(rule.low)) &&
      (rule.high == null || r.value <= Number(rule.high));
    add(
      'range',
      inside,
      `${r.value} ${inside ? 'within' : 'outside'} [${rule.low ?? ''}, ${rule.high ?? ''}]`,
    );
  }
  if (rule.delta && r.value !== null) {
    const { mode, limit, withinDays } = rule.delta;
    const recent =
      r.previous &&
      r.previous.value !== null &&
      (withinDays == null || r.at.getTime() - r.previous.releasedAt.getTime() <= withinDays * 86_400_000)
        ? r.previous.value
        : null;
    if (recent === null) add('delta', true, 'no previous result to compare with');
    else {
      // Rounded: binary floating point would make 5.7 - 5.0 exceed a 0.7 limit.
      const diff = Number(Math.abs(r.value - recent).toFixed(9));
      const change =
        mode === 'absolute'
          ? diff
          : recent === 0
            ? diff === 0
              ? 0
              : Infinity
            : (diff / Math.abs(recent)) * 100;
      const ok = Number(change.toFixed(9)) <= Number(limit);
      add(
        'delta',
        ok,
        `previous ${recent}, change ${mode === 'absolute' ? diff : `${change.toFixed(1)}%`} (limit ${limit}${mode === 'percent' ? '%' : ''})`,
      );
    }
  }
  return { passed: checks.every((c) => c.passed), rule: rule.code, checks };
}

import { evaluateAutoVerification, type AutoVerificationInput } from './auto-verification';
import type { AutoVerificationRule } from './test-definition';

const at = new Date('2026-11-20T03:00:00Z');
const input = (o: Partial<AutoVerificationInput> = {}): AutoVerificationInput => ({
  value: 5.2,
  flag: 'N',
  deviceFlags: '',
  resultStatus: 'F',
  previous: null,
  at,
  ...o,
});
const rule: AutoVerificationRule = {
  code: 'AV-GLU-1',
  low: '3.0',
  high: '10.0',
  delta: { mode: 'absolute', limit: '0.7', withinDays: 30 },
};

describe('auto-verification', () => {
  it('releases a normal result that passes every check, naming the rule', () => {
    const out = evaluateAutoVerification(rule, input());
    expect(out).toMatchObject({ passed: true, rule: 'AV-GLU-1' });
    expect(out.checks.map((c) => c.check)).toEqual([
      'status',
      'numeric',
      'critical',
      'flag',
      'device-flags',
      'range',
      'delta',
    ]);
  });

  it('never releases without a rule, a critical or abnormal value, a device flag, or a preliminary result', () => {
    expect(evaluateAutoVerification(null, input()).passed).toBe(false);
    expect(evaluateAutoVerification(rule, input({ flag: 'HH', value: 30 })).passed).toBe(false);
    expect(evaluateAutoVerification(rule, input({ flag: 'H' })).passed).toBe(false);
    expect(evaluateAutoVerification({ ...rule, allowAbnormal: true }, input({ flag: 'H' })).passed).toBe(
      true,
    );
    expect(evaluateAutoVerification({ ...rule, allowAbnormal: true }, input({ flag: 'LL' })).passed).toBe(
      false,
    );
    expect(evaluateAutoVerification(rule, input({ flag: null })).passed).toBe(false);
    expect(evaluateAutoVerification(rule, input({ deviceFlags: 'H' })).passed).toBe(false);
    expect(evaluateAutoVerification(rule, input({ resultStatus: 'P' })).passed).toBe(false);
    expect(evaluateAutoVerification(rule, input({ value: null })).passed).toBe(false);
    expect(evaluateAutoVerification(rule, input({ manual: true })).passed).toBe(false);
  });

  it('checks the rule range', () => {
    const out = evaluateAutoVerification(rule, input({ value: 11 }));
    expect(out.passed).toBe(false);
    expect(out.checks.find((c) => c.check === 'range')).toMatchObject({ passed: false });
  });

  it('delta-checks against the previous final result, absolute or percent, within the window', () => {
    const prev = (value: number, daysAgo = 1) => ({
      value,
      releasedAt: new Date(at.getTime() - daysAgo * 86_400_000),
    });
    expect(evaluateAutoVerification(rule, input({ value: 5.7, previous: prev(5.0) })).passed).toBe(true);
    expect(evaluateAutoVerification(rule, input({ value: 5.8, previous: prev(5.0) })).passed).toBe(false);
    // Older than the window: no previous result to compare with.
    expect(evaluateAutoVerification(rule, input({ value: 8, previous: prev(5.0, 31) })).passed).toBe(true);
    const pct: AutoVerificationRule = { code: 'AV-P', delta: { mode: 'percent', limit: '20' } };
    expect(evaluateAutoVerification(pct, input({ value: 6, previous: prev(5) })).passed).toBe(true);
    expect(evaluateAutoVerification(pct, input({ value: 6.1, previous: prev(5) })).passed).toBe(false);
    expect(evaluateAutoVerification(pct, input({ value: 1, previous: prev(0) })).passed).toBe(false);
  });
});

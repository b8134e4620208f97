import { parseBhytCard } from './bhyt-card';
import { checkCardValidity, EXPIRY_GRACE_DAYS } from './card-validity';

const CARD = 'HS4010120878811';
const window = { validFrom: '2025-01-01', validTo: '2025-12-31' };

describe('checkCardValidity', () => {
  it('is usable inside the window, both ends included', () => {
    for (const onDate of ['2025-01-01', '2025-06-15', '2025-12-31']) {
      expect(checkCardValidity(CARD, { ...window, onDate })).toMatchObject({ usable: true, code: 'VALID' });
    }
  });

  it('returns the parsed card', () => {
    const r = checkCardValidity(CARD, { ...window, onDate: '2025-06-15' });
    expect(r.usable && r.card).toMatchObject({ kind: 'full', group: 'HS', benefitDigit: 4 });
  });

  it('is not usable before validFrom or after validTo', () => {
    expect(checkCardValidity(CARD, { ...window, onDate: '2024-12-31' })).toMatchObject({
      usable: false,
      code: 'NOT_YET_VALID',
    });
    expect(checkCardValidity(CARD, { ...window, onDate: '2026-01-01' })).toEqual({
      usable: false,
      code: 'EXPIRED',
      reason: 'card expired on 2025-12-31; 2026-01-01 is after it',
    });
  });

  it('accepts the XML 130 yyyymmdd form (GT_THE_TU / GT_THE_DEN)', () => {
    expect(
      checkCardValidity(CARD, { validFrom: '20250101', validTo: '20251231', onDate: '20250301' }),
    ).toMatchObject({ usable: true, code: 'VALID' });
  });

  it('keeps a treatment covered up to 15 days after expiry when it started while the card was valid', () => {
    expect(EXPIRY_GRACE_DAYS).toBe(15);
    const inTreatment = { ...window, treatmentStart: '2025-12-20' };
    expect(checkCardValidity(CARD, { ...inTreatment, onDate: '2026-01-15' })).toMatchObject({
      usable: true,
      code: 'GRACE_AFTER_EXPIRY',
    });
    expect(checkCardValidity(CARD, { ...inTreatment, onDate: '2026-01-16' })).toMatchObject({
      usable: false,
      code: 'EXPIRED',
    });
    expect(
      checkCardValidity(CARD, { ...window, treatmentStart: '2026-01-02', onDate: '2026-01-05' }),
    ).toMatchObject({ usable: false, code: 'EXPIRED' });
  });

  it('accepts an already-parsed card and the 10-digit BHXH number', () => {
    const parsed = parseBhytCard(CARD);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(checkCardValidity(parsed, { ...window, onDate: '2025-02-01' })).toMatchObject({ usable: true });
    expect(checkCardValidity('0120878811', { ...window, onDate: '2025-02-01' })).toMatchObject({
      usable: true,
    });
  });

  it('reports a bad card, bad dates and an inverted window', () => {
    expect(checkCardValidity('ZZ4010120878811', { ...window, onDate: '2025-02-01' })).toMatchObject({
      usable: false,
      code: 'INVALID_CARD',
      cardError: 'CARD_GROUP_UNKNOWN',
    });
    expect(checkCardValidity(CARD, { ...window, onDate: '2025-02-30' })).toMatchObject({
      usable: false,
      code: 'INVALID_DATE',
      reason: "onDate: date '2025-02-30' is not a calendar date",
    });
    expect(
      checkCardValidity(CARD, { validFrom: '01/01/2025', validTo: '2025-12-31', onDate: '2025-02-01' }),
    ).toMatchObject({
      usable: false,
      code: 'INVALID_DATE',
    });
    expect(checkCardValidity(CARD, { ...window, onDate: '2025-02-01', treatmentStart: 'x' })).toMatchObject({
      code: 'INVALID_DATE',
    });
    expect(
      checkCardValidity(CARD, { validFrom: '2025-12-31', validTo: '2025-01-01', onDate: '2025-06-01' }),
    ).toMatchObject({
      usable: false,
      code: 'INVALID_WINDOW',
    });
  });
});

import {
  BENEFICIARY_GROUPS,
  POSSIBLY_UNVERIFIABLE_GROUPS,
  isBeneficiaryGroupCode,
} from './beneficiary-groups';
import { effectiveBenefitDigit, normalizeBhytCardCode, parseBhytCard } from './bhyt-card';

describe('parseBhytCard', () => {
  it('reads the spec example HS4010120878811 (§2.1)', () => {
    expect(parseBhytCard('HS4010120878811')).toEqual({
      ok: true,
      kind: 'full',
      value: 'HS4010120878811',
      group: 'HS',
      benefitDigit: 4,
      provinceCode: '01',
      issuer: 'Hà Nội',
      socialInsuranceNumber: '0120878811',
      benefitDigitUnusualForGroup: false,
    });
  });

  it('normalises case and the grouped form printed on cards', () => {
    expect(normalizeBhytCardCode(' hs 4 01 0120878811 ')).toBe('HS4010120878811');
    expect(parseBhytCard(' hs 4 01 0120878811\n')).toMatchObject({ ok: true, value: 'HS4010120878811' });
  });

  it('accepts the 10-digit BHXH number (card form since 2021) as a kind that needs a portal lookup', () => {
    expect(parseBhytCard('0120878811')).toEqual({
      ok: true,
      kind: 'bhxh-number',
      value: '0120878811',
      socialInsuranceNumber: '0120878811',
      needsPortalLookup: true,
    });
    expect(parseBhytCard('01208788X1')).toMatchObject({ ok: false, code: 'CARD_NOT_DIGITS' });
  });

  it.each([
    ['TE1790123456789', 'TE', 1, 'Hồ Chí Minh'],
    ['DN4480000000001', 'DN', 4, 'Đà Nẵng'],
    ['HT3920000000002', 'HT', 3, 'Cần Thơ'],
    ['HN2960000000003', 'HN', 2, 'Cà Mau'],
    ['QN5970123456789', 'QN', 5, 'BHXH Bộ Quốc phòng'],
    ['CA5980123456789', 'CA', 5, 'BHXH Bộ Công an'],
  ])('parses %s', (code, group, digit, issuer) => {
    expect(parseBhytCard(code)).toMatchObject({ ok: true, kind: 'full', group, benefitDigit: digit, issuer });
  });

  it('flags a benefit digit the group does not usually carry (the portal would answer 053)', () => {
    expect(parseBhytCard('HS1010120878811')).toMatchObject({ ok: true, benefitDigitUnusualForGroup: true });
    expect(parseBhytCard('CN2010120878811')).toMatchObject({ ok: true, benefitDigitUnusualForGroup: false });
    expect(parseBhytCard('CN3010120878811')).toMatchObject({ ok: true, benefitDigitUnusualForGroup: false });
  });

  describe('errors carry a code, a reason and the portal result code', () => {
    it.each([
      ['', 'CARD_EMPTY', undefined],
      ['HS401012087881', 'CARD_LENGTH', '051'],
      ['HS40101208788112', 'CARD_LENGTH', '051'],
      ['012087881', 'CARD_LENGTH', '051'],
      ['1S4010120878811', 'CARD_GROUP_FORMAT', '051'],
      ['H-4010120878811', 'CARD_GROUP_FORMAT', '051'],
      ['ZZ4010120878811', 'CARD_GROUP_UNKNOWN', '051'],
      ['XY4010120878811', 'CARD_GROUP_UNKNOWN', '051'],
      ['HS0010120878811', 'CARD_BENEFIT_RANGE', '053'],
      ['HS6010120878811', 'CARD_BENEFIT_RANGE', '053'],
      ['HSX010120878811', 'CARD_BENEFIT_RANGE', '053'],
      ['HS4A10120878811', 'CARD_PROVINCE_FORMAT', '052'],
      ['HS4990120878811', 'CARD_PROVINCE_UNKNOWN', '052'],
      ['HS4030120878811', 'CARD_PROVINCE_UNKNOWN', '052'],
      ['HS4000120878811', 'CARD_PROVINCE_UNKNOWN', '052'],
      ['HS40101208788X1', 'CARD_NOT_DIGITS', '051'],
      ['HS401O120878811', 'CARD_NOT_DIGITS', '051'],
    ])('%s -> %s', (input, code, bhxhCode) => {
      const r = parseBhytCard(input);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.code).toBe(code);
      expect(r.bhxhCode).toBe(bhxhCode);
      expect(r.reason.length).toBeGreaterThan(10);
    });

    it('names the faulty part', () => {
      expect(parseBhytCard('ZZ4010120878811')).toMatchObject({ reason: "unknown beneficiary group 'ZZ'" });
      expect(parseBhytCard('HS4990120878811')).toMatchObject({
        reason: 'unknown province code 99 (characters 4-5)',
      });
      expect(parseBhytCard('HS7010120878811')).toMatchObject({
        reason: "character 3 (benefit code) must be 1-5; got '7'",
      });
    });

    it('treats non-string input as empty', () => {
      expect(parseBhytCard(null as unknown as string)).toMatchObject({ ok: false, code: 'CARD_EMPTY' });
    });
  });
});

describe('beneficiary groups', () => {
  it('holds every group named in spec §2.1 and §2.2 with its usual benefit digit', () => {
    const bySpec: Record<number, string[]> = {
      1: ['CC', 'TE'],
      2: ['CK', 'CB', 'KC', 'HN', 'DT', 'DK', 'XD', 'BT', 'TS', 'AK', 'CT', 'CN', 'LH'],
      3: ['HT', 'TC', 'CN', 'PV', 'TG', 'DS', 'HK'],
      4: [
        'DN',
        'HX',
        'CH',
        'NN',
        'TK',
        'HC',
        'XK',
        'TB',
        'NO',
        'XB',
        'TN',
        'CS',
        'XN',
        'MS',
        'HD',
        'TQ',
        'TA',
      ].concat(['TY', 'HG', 'LS', 'HS', 'SV', 'GB', 'GD', 'ND', 'TH', 'TV', 'TD', 'TU', 'BA', 'LH']),
      5: ['QN', 'CA', 'CY'],
    };
    for (const [digit, groups] of Object.entries(bySpec)) {
      for (const group of groups) {
        expect(isBeneficiaryGroupCode(group)).toBe(true);
        if (isBeneficiaryGroupCode(group)) {
          expect(BENEFICIARY_GROUPS[group].benefitDigits as readonly number[]).toContain(Number(digit));
        }
      }
    }
    const all = new Set(Object.values(bySpec).flat());
    expect(Object.keys(BENEFICIARY_GROUPS).sort()).toEqual([...all].sort());
  });

  it('labels the groups the spec explains, and leaves unknown meanings null rather than guessed', () => {
    expect(BENEFICIARY_GROUPS.TE.en).toBe('Child under 6');
    expect(BENEFICIARY_GROUPS.HS.vi).toBe('Học sinh');
    expect(BENEFICIARY_GROUPS.CN.en).toBe('Member of a near-poor household');
    for (const group of Object.values(BENEFICIARY_GROUPS)) {
      expect(group.vi === null).toBe(group.en === null);
    }
    expect(isBeneficiaryGroupCode('hasOwnProperty')).toBe(false);
    expect(POSSIBLY_UNVERIFIABLE_GROUPS).toEqual(['QN', 'HC', 'LS', 'XK', 'CY', 'CA']);
  });
});

describe('effectiveBenefitDigit', () => {
  it('moves CN from 3 to 2 and LH from 4 to 2 from 01/01/2026 (spec §2.2)', () => {
    expect(effectiveBenefitDigit('CN', 3, '2025-12-31')).toBe(3);
    expect(effectiveBenefitDigit('CN', 3, '2026-01-01')).toBe(2);
    expect(effectiveBenefitDigit('LH', 4, '20260615')).toBe(2);
    expect(effectiveBenefitDigit('LH', 4, '2025-06-15')).toBe(4);
  });

  it('keeps every other digit', () => {
    expect(effectiveBenefitDigit('HS', 4, '2026-06-01')).toBe(4);
    expect(effectiveBenefitDigit('CN', 2, '2026-06-01')).toBe(2);
  });

  it('throws on a malformed date', () => {
    expect(() => effectiveBenefitDigit('CN', 3, '2026-13-01')).toThrow(RangeError);
  });
});

import { BENEFIT_LEVELS, coverageRate, type CoverageContext, type FacilityProfile } from './coverage';

const central: FacilityProfile = { system: 'tier', tier: 'central' };
const provincial: FacilityProfile = { system: 'tier', tier: 'provincial' };
const district: FacilityProfile = { system: 'tier', tier: 'district' };
const commune: FacilityProfile = { system: 'tier', tier: 'commune' };
const BASE_SALARY = 2_340_000;
const bigEpisode = { episodeInScopeCost: 5_000_000, baseSalary: BASE_SALARY };

function ctx(over: Partial<CoverageContext>): CoverageContext {
  return { onDate: '2024-06-01', care: 'inpatient', route: 'correct', facility: central, ...over };
}

describe('BENEFIT_LEVELS (spec §2.2)', () => {
  it('maps card character 3 to 100/100/95/80/100', () => {
    expect([1, 2, 3, 4, 5].map((d) => BENEFIT_LEVELS[d as 1 | 2 | 3 | 4 | 5].percent)).toEqual([
      100, 100, 95, 80, 100,
    ]);
  });
});

describe('coverageRate', () => {
  describe('correct route', () => {
    it.each([
      [1, 100],
      [2, 100],
      [3, 95],
      [4, 80],
      [5, 100],
    ])('card digit %i pays %i', (digit, level) => {
      expect(coverageRate(digit, ctx(bigEpisode))).toMatchObject({
        ok: true,
        mucHuong: level,
        mucHuongText: String(level),
        cardLevel: level,
        routeRatio: 100,
        reason: 'card-level',
      });
    });

    it('needs no cost input when the card already pays 100%', () => {
      expect(coverageRate(1, ctx({}))).toMatchObject({ ok: true, mucHuong: 100 });
    });

    it('returns the card level with the 15% rule deferred while the episode is still open', () => {
      expect(coverageRate(4, ctx({ smallCostRule: 'defer' }))).toMatchObject({
        ok: true,
        mucHuong: 80,
        reason: 'card-level',
      });
      // Deferring does not override the rules that do not depend on the episode's cost.
      expect(coverageRate(4, ctx({ smallCostRule: 'defer', coPaymentExempt: true }))).toMatchObject({
        ok: true,
        mucHuong: 100,
        reason: 'co-payment-exempt',
      });
    });

    it('asks for the episode cost and base salary when the 15% rule could apply', () => {
      expect(coverageRate(4, ctx({}))).toMatchObject({ ok: false, code: 'MISSING_INPUT' });
      expect(coverageRate(4, ctx({ episodeInScopeCost: 1 }))).toMatchObject({
        ok: false,
        code: 'MISSING_INPUT',
      });
    });

    it('pays 100% when the episode in-scope cost is under 15% of the base salary (strictly)', () => {
      // 15% of 2,340,000 = 351,000
      expect(coverageRate(4, ctx({ episodeInScopeCost: 350_999.99, baseSalary: BASE_SALARY }))).toMatchObject(
        {
          ok: true,
          mucHuong: 100,
          cardLevel: 80,
          reason: 'small-cost',
        },
      );
      expect(coverageRate(3, ctx({ episodeInScopeCost: '120000', baseSalary: '2340000' }))).toMatchObject({
        mucHuong: 100,
        cardLevel: 95,
        reason: 'small-cost',
      });
      expect(coverageRate(4, ctx({ episodeInScopeCost: 351_000, baseSalary: BASE_SALARY }))).toMatchObject({
        mucHuong: 80,
        reason: 'card-level',
      });
    });

    it('pays 100% after the co-payment exemption', () => {
      expect(coverageRate(4, ctx({ coPaymentExempt: true }))).toMatchObject({
        ok: true,
        mucHuong: 100,
        cardLevel: 80,
        reason: 'co-payment-exempt',
      });
    });

    it('pays 100% at a commune station, except chronic-disease drugs dispensed there', () => {
      expect(coverageRate(4, ctx({ facility: commune, care: 'outpatient' }))).toMatchObject({
        mucHuong: 100,
        reason: 'commune-station',
      });
      expect(
        coverageRate(
          4,
          ctx({
            facility: { system: 'technical-level', level: 'initial', communeStation: true },
            onDate: '2025-03-01',
          }),
        ),
      ).toMatchObject({ mucHuong: 100, reason: 'commune-station' });
      expect(
        coverageRate(4, ctx({ facility: commune, chronicDiseaseDrugAtCommuneStation: true, ...bigEpisode })),
      ).toMatchObject({ mucHuong: 80, reason: 'card-level' });
    });

    it('treats an emergency as correct route at any facility, before and after 2025', () => {
      const r = coverageRate(4, ctx({ route: 'emergency', ...bigEpisode }));
      expect(r).toMatchObject({ ok: true, mucHuong: 80, routeRatio: 100 });
      expect(r.ok && r.explanation).toContain('emergency');
      expect(
        coverageRate(3, {
          onDate: '2026-08-01',
          care: 'inpatient',
          route: 'emergency',
          facility: { system: 'technical-level', level: 'specialised' },
          ...bigEpisode,
        }),
      ).toMatchObject({ mucHuong: 95 });
    });
  });

  describe('off-route until 31/12/2024 (route tiers)', () => {
    it('QĐ 130 worked example: 80% card, central-level inpatient at 40% -> 32', () => {
      expect(coverageRate(4, ctx({ route: 'off-route' }))).toMatchObject({
        ok: true,
        mucHuong: 32,
        mucHuongText: '32',
        cardLevel: 80,
        routeRatio: 40,
        reason: 'off-route-ratio',
      });
    });

    it.each([
      [1, 40],
      [2, 40],
      [3, 38],
      [5, 40],
    ])('central inpatient, card digit %i -> %i', (digit, expected) => {
      expect(coverageRate(digit, ctx({ route: 'off-route' }))).toMatchObject({ mucHuong: expected });
    });

    it('does not apply the 100% overrides off-route', () => {
      expect(
        coverageRate(
          4,
          ctx({
            route: 'off-route',
            episodeInScopeCost: 1000,
            baseSalary: BASE_SALARY,
            coPaymentExempt: true,
          }),
        ),
      ).toMatchObject({ mucHuong: 32 });
    });

    it('pays nothing for off-route outpatient care at central and provincial hospitals', () => {
      expect(coverageRate(4, ctx({ route: 'off-route', care: 'outpatient' }))).toMatchObject({
        ok: true,
        mucHuong: 0,
      });
      expect(
        coverageRate(4, ctx({ route: 'off-route', care: 'outpatient', facility: provincial })),
      ).toMatchObject({
        ok: true,
        mucHuong: 0,
        routeRatio: 0,
      });
    });

    it('pays provincial inpatient care in full from 2021, and has no rule before', () => {
      expect(
        coverageRate(4, ctx({ route: 'off-route', facility: provincial, onDate: '2021-01-01' })),
      ).toMatchObject({
        mucHuong: 80,
        routeRatio: 100,
      });
      expect(
        coverageRate(4, ctx({ route: 'off-route', facility: provincial, onDate: '2020-12-31' })),
      ).toMatchObject({
        ok: false,
        code: 'RULE_NOT_ESTABLISHED',
      });
    });

    it('pays district-level care in full from 2016', () => {
      for (const care of ['inpatient', 'outpatient'] as const) {
        expect(coverageRate(3, ctx({ route: 'off-route', facility: district, care }))).toMatchObject({
          mucHuong: 95,
        });
      }
      expect(
        coverageRate(4, ctx({ route: 'off-route', facility: district, onDate: '2015-12-31' })),
      ).toMatchObject({
        ok: false,
        code: 'RULE_NOT_ESTABLISHED',
      });
    });

    it('gives disadvantaged-area residents the full level at district level and for inpatient care above', () => {
      const resident = { route: 'off-route' as const, disadvantagedAreaResident: true };
      expect(coverageRate(4, ctx({ ...resident }))).toMatchObject({ mucHuong: 80 });
      expect(coverageRate(4, ctx({ ...resident, facility: provincial, onDate: '2019-01-01' }))).toMatchObject(
        {
          mucHuong: 80,
        },
      );
      expect(coverageRate(4, ctx({ ...resident, facility: district, onDate: '2015-01-01' }))).toMatchObject({
        mucHuong: 80,
      });
      expect(coverageRate(4, ctx({ ...resident, care: 'outpatient' }))).toMatchObject({ mucHuong: 0 });
    });

    it('has no rule for off-route commune-level care', () => {
      expect(coverageRate(4, ctx({ route: 'off-route', facility: commune }))).toMatchObject({
        ok: false,
        code: 'RULE_NOT_ESTABLISHED',
      });
    });

    it('refuses technical levels before 2025', () => {
      expect(
        coverageRate(
          4,
          ctx({ route: 'off-route', facility: { system: 'technical-level', level: 'basic', score: 40 } }),
        ),
      ).toMatchObject({ ok: false, code: 'FACILITY_SYSTEM_MISMATCH' });
    });
  });

  describe('off-route from 01/01/2025 (technical levels, NĐ 188 Art. 19)', () => {
    const outpatient = (facility: FacilityProfile, onDate: string): CoverageContext => ({
      onDate,
      care: 'outpatient',
      route: 'off-route',
      facility,
    });

    it('pays the full card level at a basic-level facility scoring under 50, or provisionally basic', () => {
      expect(
        coverageRate(4, outpatient({ system: 'technical-level', level: 'basic', score: 49.5 }, '2025-03-01')),
      ).toMatchObject({
        mucHuong: 80,
        routeRatio: 100,
      });
      expect(
        coverageRate(
          3,
          outpatient({ system: 'technical-level', level: 'basic', provisional: true }, '2026-09-01'),
        ),
      ).toMatchObject({ mucHuong: 95 });
    });

    it('pays 50% from 01/07/2026 at a basic-level facility scoring 50-70', () => {
      const f: FacilityProfile = { system: 'technical-level', level: 'basic', score: 60 };
      expect(coverageRate(4, outpatient(f, '2026-07-01'))).toMatchObject({ mucHuong: 40, routeRatio: 50 });
      expect(coverageRate(4, outpatient({ ...f, score: 50 }, '2026-07-01'))).toMatchObject({ mucHuong: 40 });
      expect(coverageRate(4, outpatient({ ...f, score: 70 }, '2026-07-01'))).toMatchObject({ mucHuong: 40 });
      expect(coverageRate(4, outpatient(f, '2026-06-30'))).toMatchObject({
        ok: false,
        code: 'RULE_NOT_ESTABLISHED',
      });
      expect(coverageRate(4, outpatient({ ...f, score: 71 }, '2026-07-01'))).toMatchObject({
        ok: false,
        code: 'RULE_NOT_ESTABLISHED',
      });
    });

    it('gives 95 × 50% = 47.5 exactly (the field is 4 characters wide from 01/07/2026)', () => {
      const r = coverageRate(
        3,
        outpatient({ system: 'technical-level', level: 'basic', score: 55 }, '2026-07-01'),
      );
      expect(r).toMatchObject({
        ok: true,
        mucHuong: 47.5,
        mucHuongText: '47.5',
        cardLevel: 95,
        routeRatio: 50,
      });
    });

    it('pays 50% from 01/07/2026 at former provincial/central hospitals (basic) and former provincial (specialised)', () => {
      for (const facility of [
        { system: 'technical-level', level: 'basic', formerTier: 'provincial', score: 30 },
        { system: 'technical-level', level: 'basic', formerTier: 'central' },
        { system: 'technical-level', level: 'specialised', formerTier: 'provincial' },
      ] as const) {
        expect(coverageRate(4, outpatient(facility, '2026-08-01'))).toMatchObject({
          mucHuong: 40,
          routeRatio: 50,
        });
      }
      expect(
        coverageRate(
          4,
          outpatient(
            { system: 'technical-level', level: 'specialised', formerTier: 'central' },
            '2026-08-01',
          ),
        ),
      ).toMatchObject({ ok: false, code: 'RULE_NOT_ESTABLISHED' });
    });

    it('asks for the level score when it decides the ratio', () => {
      expect(
        coverageRate(4, outpatient({ system: 'technical-level', level: 'basic' }, '2025-03-01')),
      ).toMatchObject({
        ok: false,
        code: 'MISSING_INPUT',
      });
    });

    it('states no ratio for inpatient care, initial level or route tiers after 2025', () => {
      expect(
        coverageRate(4, {
          ...outpatient({ system: 'technical-level', level: 'basic', score: 10 }, '2025-03-01'),
          care: 'inpatient',
        }),
      ).toMatchObject({ ok: false, code: 'RULE_NOT_ESTABLISHED' });
      expect(
        coverageRate(4, outpatient({ system: 'technical-level', level: 'initial' }, '2025-03-01')),
      ).toMatchObject({
        ok: false,
        code: 'RULE_NOT_ESTABLISHED',
      });
      expect(coverageRate(4, outpatient(district, '2025-03-01'))).toMatchObject({
        ok: false,
        code: 'FACILITY_SYSTEM_MISMATCH',
      });
    });
  });

  describe('bad input', () => {
    it.each([0, 6, 2.5, Number.NaN])('refuses benefit digit %p', (digit) => {
      expect(coverageRate(digit, ctx(bigEpisode))).toMatchObject({ ok: false, code: 'BENEFIT_DIGIT_RANGE' });
    });

    it('refuses a bad date and bad amounts', () => {
      expect(coverageRate(4, ctx({ onDate: '2024-02-30', ...bigEpisode }))).toMatchObject({
        ok: false,
        code: 'INVALID_DATE',
      });
      expect(coverageRate(4, ctx({ episodeInScopeCost: 'abc', baseSalary: BASE_SALARY }))).toMatchObject({
        ok: false,
        code: 'INVALID_AMOUNT',
      });
      expect(coverageRate(4, ctx({ episodeInScopeCost: 100, baseSalary: 0 }))).toMatchObject({
        ok: false,
        code: 'INVALID_AMOUNT',
      });
      expect(coverageRate(4, ctx({ episodeInScopeCost: -1, baseSalary: BASE_SALARY }))).toMatchObject({
        ok: false,
        code: 'INVALID_AMOUNT',
      });
    });
  });
});

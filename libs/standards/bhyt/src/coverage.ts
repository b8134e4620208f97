import { parseCalendarDate } from './dates';
import { formatUnits, parseDecimal, type DecimalInput } from './decimal';
import { fail, type Failure } from './result';

/**
 * Benefit level -> MUC_HUONG, the fund's share (percent) of in-scope cost, per cost line (QĐ 130 §1.12 [P*],
 * spec §2.2 and §2.3):
 *   base level from card character 3 (80 / 95 / 100)
 *   × the off-route ratio when the patient self-referred ("trái tuyến")
 *   = 100 when the episode's in-scope cost is under 15% of the base salary, at a commune health station
 *     (except chronic-disease drugs dispensed there, which keep the card level), or once co-payment is exempted.
 * Worked example (QĐ 130 [P*]): 80% card, central-level inpatient, off-route 40% -> MUC_HUONG 32.
 *
 * Only rules the spec states are encoded. Any other combination answers RULE_NOT_ESTABLISHED instead of a
 * guess, because a wrong MUC_HUONG is a wrong claim. Notably not encoded (spec §7 "verify"): off-route
 * inpatient care under the 2025 law, off-route care at initial-level facilities or commune stations, the
 * provincial 60% inpatient ratio before 2021 and the 2025 rules for rare diseases and referral letters.
 *
 * [I] The three 100% overrides are applied to correct-route (and emergency) care only: the BHYT Law lists the
 * co-payment exemption "except self-referred care", and we read the small-cost and commune rules the same way.
 */

/** Card character 3 -> fund share on correct route (spec §2.2, [C/S] from QĐ 1351/QĐ-BHXH as amended by 1018). */
export const BENEFIT_LEVELS = {
  1: { percent: 100, en: '100%, no cap on ratio-limited drugs, supplies and services' },
  2: { percent: 100, en: '100%, with the caps of the ratio-limited lists' },
  3: { percent: 95, en: '95%' },
  4: { percent: 80, en: '80%' },
  5: { percent: 100, en: '100%, including some costs outside BHYT scope (e.g. transport)' },
} as const;

export type CardLevel = (typeof BENEFIT_LEVELS)[keyof typeof BENEFIT_LEVELS]['percent'];

export type CareSetting = 'outpatient' | 'inpatient';
/** 'emergency' is always paid as correct route (spec §2.3, both before and after 2025). */
export type Route = 'correct' | 'emergency' | 'off-route';
/** Route tiers ("tuyến") of the BHYT Law as amended in 2014, in force until 31/12/2024. */
export type RouteTier = 'central' | 'provincial' | 'district' | 'commune';
/** Technical levels of Law 51/2024/QH15 from 01/01/2025: ban đầu / cơ bản / chuyên sâu. */
export type TechnicalLevel = 'initial' | 'basic' | 'specialised';

export type FacilityProfile =
  | { readonly system: 'tier'; readonly tier: RouteTier }
  | {
      readonly system: 'technical-level';
      readonly level: TechnicalLevel;
      /** Published level score (NĐ 188/2025 Art. 35(2)(e)); needed for off-route outpatient care at basic level. */
      readonly score?: number;
      /** Provisionally classified as basic level. */
      readonly provisional?: boolean;
      /** The facility's tier before 2025 (central / provincial hospital, …). */
      readonly formerTier?: RouteTier;
      readonly communeStation?: boolean;
    };

export interface CoverageContext {
  /** Date of service, 'YYYY-MM-DD'; selects the 2014-law tiers (until 2024-12-31) or the 2025 levels. */
  readonly onDate: string;
  /** Inpatient or outpatient cost: derive it from MA_LOAI_KCB (e.g. 03/09 inpatient, 01 exam). */
  readonly care: CareSetting;
  readonly route: Route;
  readonly facility: FacilityProfile;
  /**
   * 'defer' when the episode is still open (check-in, posting a line): the 15% small-cost rule depends on the
   * whole episode's cost, so it is left to whoever assembles the finished episode (the claim), and the result
   * is the card level for the route. Default 'apply', which needs episodeInScopeCost and baseSalary.
   */
  readonly smallCostRule?: 'apply' | 'defer';
  /** In-scope cost of the whole episode (Σ THANH_TIEN_BH), VND; needed for the 15% rule. */
  readonly episodeInScopeCost?: DecimalInput;
  /** Base salary (mức lương cơ sở / reference level) in force on the date, VND; needed for the 15% rule. */
  readonly baseSalary?: DecimalInput;
  /** 5 consecutive years of coverage and co-payment above 6 months of base salary this year (spec §2.2). */
  readonly coPaymentExempt?: boolean;
  /** The line is a chronic-disease drug dispensed at a commune station: it keeps the card level (spec §2.2). */
  readonly chronicDiseaseDrugAtCommuneStation?: boolean;
  /**
   * Ethnic minority or poor person living in a disadvantaged area, or island resident: until 2024 they got the
   * full level off-route at district level and for inpatient care at higher levels (spec §2.3).
   */
  readonly disadvantagedAreaResident?: boolean;
}

export type CoverageReason =
  | 'card-level'
  | 'co-payment-exempt'
  | 'commune-station'
  | 'small-cost'
  | 'off-route-ratio';

export interface Coverage {
  readonly ok: true;
  /** MUC_HUONG in percent. An integer except 95 × 50% = 47.5 (possible from 01/07/2026, when the field widens). */
  readonly mucHuong: number;
  /** MUC_HUONG as written in XML: '32', '47.5'. */
  readonly mucHuongText: string;
  readonly cardLevel: CardLevel;
  /** Percent of the card level paid for the route: 100 on correct route and in emergencies. */
  readonly routeRatio: number;
  readonly reason: CoverageReason;
  readonly explanation: string;
}

export type CoverageErrorCode =
  | 'BENEFIT_DIGIT_RANGE'
  | 'INVALID_DATE'
  | 'INVALID_AMOUNT'
  | 'MISSING_INPUT'
  | 'FACILITY_SYSTEM_MISMATCH'
  | 'RULE_NOT_ESTABLISHED';

export type CoverageResult = Coverage | Failure<CoverageErrorCode>;

/** The 2025 law (Law 51/2024/QH15, NĐ 188/2025) replaces route tiers with technical levels on this date. */
export const TECHNICAL_LEVELS_FROM = '2025-01-01';
/** From this date self-referred outpatient care at some basic/specialised facilities is paid at 50% (spec §2.3). */
export const OUTPATIENT_HALF_RATE_FROM = '2026-07-01';
/** Small-cost rule: under 15% of the base salary (spec §2.2, §1.12). */
export const SMALL_COST_PERCENT_OF_BASE_SALARY = 15;

export function coverageRate(benefitDigit: number, context: CoverageContext): CoverageResult {
  if (!Number.isInteger(benefitDigit) || benefitDigit < 1 || benefitDigit > 5) {
    return fail('BENEFIT_DIGIT_RANGE', `benefit digit must be 1-5; got ${String(benefitDigit)}`);
  }
  const cardLevel = BENEFIT_LEVELS[benefitDigit as keyof typeof BENEFIT_LEVELS].percent;
  const date = parseCalendarDate(context.onDate);
  if (!date.ok) return fail('INVALID_DATE', `onDate: ${date.reason}`);

  if (context.route === 'off-route') {
    const ratio = offRouteRatio(date.value, context);
    if (!ratio.ok) return ratio;
    return result(cardLevel, ratio.percent, 'off-route-ratio', ratio.explanation);
  }

  const routeText = context.route === 'emergency' ? 'emergency (paid as correct route)' : 'correct route';
  if (cardLevel === 100) return result(cardLevel, 100, 'card-level', `${routeText}, card level 100`);
  if (context.coPaymentExempt) {
    return full(cardLevel, 'co-payment-exempt', `${routeText}, co-payment exempted for the rest of the year`);
  }
  if (isCommuneStation(context.facility) && !context.chronicDiseaseDrugAtCommuneStation) {
    return full(cardLevel, 'commune-station', `${routeText} at a commune health station`);
  }

  if (context.smallCostRule === 'defer') {
    return result(
      cardLevel,
      100,
      'card-level',
      `${routeText}, card level ${cardLevel} (15% small-cost rule deferred to the finished episode)`,
    );
  }
  if (context.episodeInScopeCost === undefined || context.baseSalary === undefined) {
    return fail(
      'MISSING_INPUT',
      'episodeInScopeCost and baseSalary are needed to apply the 15% small-cost rule on a card below 100%',
    );
  }
  const cost = parseDecimal(context.episodeInScopeCost, 2, 'episodeInScopeCost');
  if (!cost.ok) return fail('INVALID_AMOUNT', cost.reason);
  const base = parseDecimal(context.baseSalary, 2, 'baseSalary');
  if (!base.ok) return fail('INVALID_AMOUNT', base.reason);
  if (base.units === 0n) return fail('INVALID_AMOUNT', 'baseSalary must be positive');
  // cost < 15% × base  <=>  cost × 100 < 15 × base (exact, both in hundredths of a dong)
  if (cost.units * 100n < BigInt(SMALL_COST_PERCENT_OF_BASE_SALARY) * base.units) {
    return full(
      cardLevel,
      'small-cost',
      `${routeText}, episode in-scope cost ${formatUnits(cost.units, 2)} is under 15% of base salary ${formatUnits(base.units, 2)}`,
    );
  }
  return result(cardLevel, 100, 'card-level', `${routeText}, card level ${cardLevel}`);
}

function result(
  cardLevel: CardLevel,
  routeRatio: number,
  reason: CoverageReason,
  explanation: string,
): Coverage {
  // cardLevel × routeRatio / 100 in tenths of a percent: every level (80/95/100) × ratio (0/40/50/100) is exact.
  const tenths = (cardLevel * routeRatio) / 10;
  return {
    ok: true,
    mucHuong: tenths / 10,
    mucHuongText: formatUnits(BigInt(tenths), 1),
    cardLevel,
    routeRatio,
    reason,
    explanation,
  };
}

/** One of the 100% overrides: MUC_HUONG 100 whatever the card level. */
function full(cardLevel: CardLevel, reason: CoverageReason, explanation: string): Coverage {
  return { ...result(100, 100, reason, explanation), cardLevel };
}

function isCommuneStation(facility: FacilityProfile): boolean {
  return facility.system === 'tier' ? facility.tier === 'commune' : facility.communeStation === true;
}

type Ratio = { ok: true; percent: number; explanation: string } | Failure<CoverageErrorCode>;

function offRouteRatio(onDate: string, context: CoverageContext): Ratio {
  const { facility, care } = context;
  if (onDate < TECHNICAL_LEVELS_FROM) {
    if (facility.system !== 'tier') {
      return fail(
        'FACILITY_SYSTEM_MISMATCH',
        `before ${TECHNICAL_LEVELS_FROM} off-route care is ruled by route tiers`,
      );
    }
    return tierRatio(onDate, facility.tier, care, context.disadvantagedAreaResident === true);
  }
  if (facility.system !== 'technical-level') {
    return fail(
      'FACILITY_SYSTEM_MISMATCH',
      `from ${TECHNICAL_LEVELS_FROM} off-route care is ruled by technical levels (initial/basic/specialised)`,
    );
  }
  return technicalLevelRatio(onDate, facility, care);
}

/** Until 31/12/2024: BHYT Law Art. 22 as amended in 2014 (spec §2.3 [S]). */
function tierRatio(onDate: string, tier: RouteTier, care: CareSetting, disadvantaged: boolean): Ratio {
  const ok = (percent: number, explanation: string): Ratio => ({ ok: true, percent, explanation });
  if (tier === 'district') {
    if (disadvantaged) return ok(100, 'off-route at district level, disadvantaged-area resident: full level');
    if (onDate >= '2016-01-01')
      return ok(100, 'off-route at district level: 100% nationwide from 01/01/2016');
    return notEstablished(`off-route district-level care before 2016 (${onDate})`);
  }
  if (tier === 'central' || tier === 'provincial') {
    const name = tier === 'central' ? 'central' : 'provincial';
    if (care === 'outpatient') return ok(0, `off-route outpatient care at a ${name} hospital is not paid`);
    if (disadvantaged)
      return ok(100, `off-route inpatient care at a ${name} hospital, disadvantaged-area resident`);
    if (tier === 'central') return ok(40, 'off-route inpatient care at a central hospital: 40%');
    if (onDate >= '2021-01-01') {
      return ok(100, 'off-route inpatient care at a provincial hospital: 100% nationwide from 01/01/2021');
    }
    return notEstablished(`off-route provincial inpatient care before 2021 (${onDate})`);
  }
  return notEstablished('off-route care at commune level');
}

/** From 01/01/2025: Law 51/2024/QH15, NĐ 188/2025 Art. 19 (spec §2.3 [S]). */
function technicalLevelRatio(
  onDate: string,
  facility: Extract<FacilityProfile, { system: 'technical-level' }>,
  care: CareSetting,
): Ratio {
  if (care === 'inpatient') return notEstablished('off-route inpatient care under the 2025 law');
  const { level, score, formerTier } = facility;
  if (onDate >= OUTPATIENT_HALF_RATE_FROM) {
    const formerHospital =
      (level === 'basic' && (formerTier === 'provincial' || formerTier === 'central')) ||
      (level === 'specialised' && formerTier === 'provincial');
    if (formerHospital) {
      return {
        ok: true,
        percent: 50,
        explanation: `off-route outpatient care at a ${level}-level facility that was a ${formerTier} hospital before 2025: 50% from 01/07/2026`,
      };
    }
  }
  if (level === 'basic') {
    if (facility.provisional) {
      return {
        ok: true,
        percent: 100,
        explanation: 'off-route outpatient care at a provisionally basic-level facility',
      };
    }
    if (score === undefined || !Number.isFinite(score)) {
      return fail(
        'MISSING_INPUT',
        'the facility level score is needed for off-route outpatient care at basic level',
      );
    }
    if (score < 50) {
      return {
        ok: true,
        percent: 100,
        explanation: `off-route outpatient care at a basic-level facility scoring ${score} (<50)`,
      };
    }
    if (score <= 70 && onDate >= OUTPATIENT_HALF_RATE_FROM) {
      return {
        ok: true,
        percent: 50,
        explanation: `off-route outpatient care at a basic-level facility scoring ${score} (50-70): 50% from 01/07/2026`,
      };
    }
  }
  return notEstablished(`off-route outpatient care at this ${level}-level facility on ${onDate}`);
}

function notEstablished(what: string): Failure<CoverageErrorCode> {
  return fail(
    'RULE_NOT_ESTABLISHED',
    `${what}: the spec states no ratio for this case; decide it from the law`,
  );
}

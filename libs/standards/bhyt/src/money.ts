import { divRoundHalfUp, formatUnits, parseDecimal, type DecimalInput } from './decimal';
import { fail, type Failure } from './result';

/**
 * Line amounts of XML2 (drugs) and XML3 (services, supplies), QĐ 130 §1.12 and the QĐ 4750 appendix [P*]:
 *
 *   THANH_TIEN_BV = SO_LUONG × DON_GIA_BV × TYLE_TT_DV / 100      (XML2: DON_GIA, no TYLE_TT_DV)
 *   THANH_TIEN_BH = SO_LUONG × DON_GIA_BH × TYLE_TT_DV / 100 × TYLE_TT_BH / 100
 *   T_NGUONKHAC   = T_NGUONKHAC_NSNN + _VTNN + _VTTN + _CL
 *   provisional   T_BHTT* = THANH_TIEN_BH × MUC_HUONG / 100
 *                 T_BNCCT* = THANH_TIEN_BH − T_BHTT*
 *                 T_BNTT*  = THANH_TIEN_BV − THANH_TIEN_BH
 *   other sources supporting this patient (case a) are used up in the order T_BNTT -> T_BNCCT -> T_BHTT;
 *   other sources supporting the facility in general (case b) are taken off the total first, and the rest is
 *   split normally (worked example: 10,000,000 drug, 3,000,000 donor, 50% ratio, 80% benefit ->
 *   THANH_TIEN_BH 3,500,000, T_BHTT 2,800,000, T_BNCCT 700,000, T_BNTT 3,500,000);
 *   ARV drugs: T_NGUONKHAC = T_BNCCT* and T_BNCCT = 0.
 *
 * Precision (QĐ 130 §1.5): quantities and unit prices up to 3 decimals, amounts rounded to 2 decimals, '.' as
 * the separator. Every field is computed exactly on bigint fixed-point values (see decimal.ts) and rounded
 * ONCE, half-up [I: the spec says "rounded to 2 decimals" without naming a mode]. T_BNCCT* and T_BNTT* are
 * differences of already-rounded amounts, so each line always satisfies
 *   THANH_TIEN_BV = T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC   and   THANH_TIEN_BH = T_BHTT* + T_BNCCT*.
 *
 * [I] Applying TYLE_TT_DV to THANH_TIEN_BH as well as to THANH_TIEN_BV is our reading of the 4750 correction
 * (otherwise a 30% second exam would be eligible for more than it costs). Amounts are strings in the shortest
 * decimal form ('3500000', '1234.5'), ready for the XML.
 */

export type OtherSourcesSupport = 'patient' | 'facility';

export interface OtherSources {
  /** T_NGUONKHAC_NSNN, state budget. */
  readonly nsnn?: DecimalInput;
  /** T_NGUONKHAC_VTNN, foreign aid. */
  readonly vtnn?: DecimalInput;
  /** T_NGUONKHAC_VTTN, domestic aid. */
  readonly vttn?: DecimalInput;
  /** T_NGUONKHAC_CL, other. */
  readonly cl?: DecimalInput;
}

export interface InsuranceShareInput {
  /** SO_LUONG (up to 3 decimals; 0.5 / 0.33 for shared beds). */
  readonly quantity: DecimalInput;
  /** DON_GIA (XML2) or DON_GIA_BV (XML3), VND, up to 3 decimals. */
  readonly unitPriceHospital: DecimalInput;
  /** DON_GIA_BH (XML3), VND. XML2 has a single DON_GIA, so it defaults to unitPriceHospital. */
  readonly unitPriceInsurance?: DecimalInput;
  /** TYLE_TT_DV (XML3 only), integer percent: exams 100/30/10/0, shared beds 50/33, … Default 100. */
  readonly servicePaymentRatio?: number;
  /** TYLE_TT_BH, integer percent: 100 if no ratio is set, 0 outside scope. Default 100. */
  readonly insurancePaymentRatio?: number;
  /** MUC_HUONG in percent (see coverageRate); at most 1 decimal. */
  readonly coveragePercent: DecimalInput;
  readonly otherSources?: OtherSources;
  /** Whom the other-source money supports: this patient (case a, default) or the facility (case b). */
  readonly otherSourcesSupport?: OtherSourcesSupport;
  /** ARV drug: the co-payment is covered by other sources (T_NGUONKHAC = T_BNCCT*, T_BNCCT = 0). */
  readonly arv?: boolean;
}

export interface InsuranceShare {
  readonly ok: true;
  /** THANH_TIEN_BV: what the hospital charges for the line. */
  readonly hospitalAmount: string;
  /** THANH_TIEN_BH: the part the fund recognises (in scope). */
  readonly insuranceEligibleAmount: string;
  /** T_NGUONKHAC: paid by other sources. */
  readonly otherSourcesAmount: string;
  /** T_BHTT: claimed from the fund. */
  readonly insurerPays: string;
  /** T_BNCCT: the patient's co-payment on the in-scope part. */
  readonly patientCoPay: string;
  /** T_BNTT: the patient pays the out-of-scope part. */
  readonly patientOutOfPocket: string;
  /** Values before other sources were applied (T_BHTT*, T_BNCCT*, T_BNTT*). */
  readonly provisional: {
    readonly insurerPays: string;
    readonly patientCoPay: string;
    readonly patientOutOfPocket: string;
  };
}

export type MoneyErrorCode =
  | 'INVALID_QUANTITY'
  | 'INVALID_PRICE'
  | 'INVALID_RATIO'
  | 'INVALID_COVERAGE'
  | 'INVALID_AMOUNT'
  | 'INSURANCE_EXCEEDS_HOSPITAL'
  | 'OTHER_SOURCES_EXCEED_AMOUNT'
  | 'UNSUPPORTED_COMBINATION';

export type InsuranceShareResult = InsuranceShare | Failure<MoneyErrorCode>;

/** Decimals allowed by QĐ 130 §1.5. */
export const QUANTITY_DECIMALS = 3;
export const PRICE_DECIMALS = 3;
export const AMOUNT_DECIMALS = 2;

export function computeInsuranceShare(input: InsuranceShareInput): InsuranceShareResult {
  const q = parseDecimal(input.quantity, QUANTITY_DECIMALS, 'quantity');
  if (!q.ok) return fail('INVALID_QUANTITY', q.reason);
  const pBv = parseDecimal(input.unitPriceHospital, PRICE_DECIMALS, 'unitPriceHospital');
  if (!pBv.ok) return fail('INVALID_PRICE', pBv.reason);
  const pBh =
    input.unitPriceInsurance === undefined
      ? pBv
      : parseDecimal(input.unitPriceInsurance, PRICE_DECIMALS, 'unitPriceInsurance');
  if (!pBh.ok) return fail('INVALID_PRICE', pBh.reason);
  const dv = ratio(input.servicePaymentRatio, 'servicePaymentRatio (TYLE_TT_DV)');
  if (!dv.ok) return dv;
  const bh = ratio(input.insurancePaymentRatio, 'insurancePaymentRatio (TYLE_TT_BH)');
  if (!bh.ok) return bh;
  const muc = parseDecimal(input.coveragePercent, 1, 'coveragePercent (MUC_HUONG)');
  if (!muc.ok) return fail('INVALID_COVERAGE', muc.reason);
  if (muc.units > 1000n) return fail('INVALID_COVERAGE', 'coveragePercent (MUC_HUONG) must be 0-100');

  let nguonKhac = 0n;
  for (const key of ['nsnn', 'vtnn', 'vttn', 'cl'] as const) {
    const value = input.otherSources?.[key];
    if (value === undefined) continue;
    const amount = parseDecimal(value, AMOUNT_DECIMALS, `otherSources.${key}`);
    if (!amount.ok) return fail('INVALID_AMOUNT', amount.reason);
    nguonKhac += amount.units;
  }
  if (input.arv && nguonKhac !== 0n) {
    return fail(
      'UNSUPPORTED_COMBINATION',
      'for an ARV drug T_NGUONKHAC is the co-payment; do not pass otherSources',
    );
  }
  const support = input.otherSourcesSupport ?? 'patient';
  if (support === 'facility' && pBh.units !== pBv.units) {
    return fail(
      'UNSUPPORTED_COMBINATION',
      'facility-level other sources (case b) are defined for a single unit price; the spec gives no rule when DON_GIA_BH differs',
    );
  }

  // Exact products, in hundredths of a dong (the 2-decimal amount unit):
  // amount = q/10^3 × p/10^3 × dv/100 [× bh/100]  =>  hundredths = q·p·dv / 10^6 [· bh / 100].
  const thanhTienBv = divRoundHalfUp(q.units * pBv.units * dv.value, 10n ** 6n);
  const base = support === 'facility' ? thanhTienBv - nguonKhac : thanhTienBv;
  if (base < 0n) {
    return fail('OTHER_SOURCES_EXCEED_AMOUNT', 'other sources exceed the hospital amount (THANH_TIEN_BV)');
  }
  const thanhTienBh =
    support === 'facility'
      ? divRoundHalfUp(base * bh.value, 100n)
      : divRoundHalfUp(q.units * pBh.units * dv.value * bh.value, 10n ** 8n);
  if (thanhTienBh > base) {
    return fail(
      'INSURANCE_EXCEEDS_HOSPITAL',
      'THANH_TIEN_BH would exceed THANH_TIEN_BV (DON_GIA_BH above DON_GIA_BV)',
    );
  }

  const bhttStar = divRoundHalfUp(thanhTienBh * muc.units, 1000n); // × MUC_HUONG/100, MUC_HUONG in tenths
  const bncctStar = thanhTienBh - bhttStar;
  const bnttStar = base - thanhTienBh;

  let bhtt = bhttStar;
  let bncct = bncctStar;
  let bntt = bnttStar;
  if (input.arv) {
    nguonKhac = bncctStar;
    bncct = 0n;
  } else if (support === 'patient' && nguonKhac > 0n) {
    if (nguonKhac > thanhTienBv) {
      return fail('OTHER_SOURCES_EXCEED_AMOUNT', 'other sources exceed the hospital amount (THANH_TIEN_BV)');
    }
    // QĐ 130 §1.12 case (a): T_BNTT first, then T_BNCCT, then T_BHTT.
    let rest = nguonKhac;
    const fromBntt = min(rest, bntt);
    bntt -= fromBntt;
    rest -= fromBntt;
    const fromBncct = min(rest, bncct);
    bncct -= fromBncct;
    rest -= fromBncct;
    bhtt -= rest;
  }

  const f = (units: bigint) => formatUnits(units, AMOUNT_DECIMALS);
  return {
    ok: true,
    hospitalAmount: f(thanhTienBv),
    insuranceEligibleAmount: f(thanhTienBh),
    otherSourcesAmount: f(nguonKhac),
    insurerPays: f(bhtt),
    patientCoPay: f(bncct),
    patientOutOfPocket: f(bntt),
    provisional: { insurerPays: f(bhttStar), patientCoPay: f(bncctStar), patientOutOfPocket: f(bnttStar) },
  };
}

/** XML1 totals of an episode (QĐ 130 §1.12 "XML1 totals" [P*]), from the line results of XML2 + XML3. */
export interface EpisodeTotals {
  /** T_TONGCHI_BV = Σ THANH_TIEN_BV. */
  readonly hospitalTotal: string;
  /** T_TONGCHI_BH = Σ THANH_TIEN_BH. */
  readonly insuranceEligibleTotal: string;
  /** T_BNTT = Σ T_BNTT. */
  readonly patientOutOfPocket: string;
  /** T_BNCCT = Σ T_BNCCT. */
  readonly patientCoPay: string;
  /** T_NGUONKHAC = Σ T_NGUONKHAC. */
  readonly otherSources: string;
  /** T_BHTT = T_TONGCHI_BH − T_BNCCT, as XML1 defines it. */
  readonly insurerPays: string;
  /**
   * Σ line T_BHTT. It differs from insurerPays only when patient-level other sources reached a line's T_BHTT;
   * the spec does not say how XML1 reflects that, so check it before signing.
   */
  readonly insurerPaysLineSum: string;
}

export function sumEpisodeAmounts(lines: readonly InsuranceShare[]): EpisodeTotals {
  const sum = (pick: (line: InsuranceShare) => string): bigint =>
    lines.reduce((total, line) => total + amountUnits(pick(line)), 0n);
  const bh = sum((l) => l.insuranceEligibleAmount);
  const bncct = sum((l) => l.patientCoPay);
  const f = (units: bigint) => formatUnits(units, AMOUNT_DECIMALS);
  return {
    hospitalTotal: f(sum((l) => l.hospitalAmount)),
    insuranceEligibleTotal: f(bh),
    patientOutOfPocket: f(sum((l) => l.patientOutOfPocket)),
    patientCoPay: f(bncct),
    otherSources: f(sum((l) => l.otherSourcesAmount)),
    insurerPays: f(bh - bncct),
    insurerPaysLineSum: f(sum((l) => l.insurerPays)),
  };
}

function amountUnits(amount: string): bigint {
  const parsed = parseDecimal(amount, AMOUNT_DECIMALS, 'amount', { allowNegative: true });
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return parsed.units;
}

function ratio(
  value: number | undefined,
  label: string,
): { ok: true; value: bigint } | Failure<MoneyErrorCode> {
  if (value === undefined) return { ok: true, value: 100n };
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    return fail('INVALID_RATIO', `${label} must be an integer percent 0-100; got ${String(value)}`);
  }
  return { ok: true, value: BigInt(value) };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

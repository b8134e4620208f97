import {
  BENEFICIARY_GROUPS,
  isBeneficiaryGroupCode,
  type BeneficiaryGroupCode,
  type BenefitDigit,
} from './beneficiary-groups';
import { parseCalendarDate } from './dates';
import { provinceNameOfAdminCode } from './provinces';
import { fail, type Failure } from './result';

/**
 * BHYT card code (spec §2.1, QĐ 1351/QĐ-BHXH 2015), 15 characters laid out `XX N PP NNNNNNNNNN`:
 * - 1–2: beneficiary-group letters (BENEFICIARY_GROUPS);
 * - 3: benefit code (mã quyền lợi) 1–5; BHXH lookup error 053 names it "character 3";
 * - 4–5: province code of the issuing BHXH office; lookup error 052 names it "characters 4, 5";
 * - 6–15: the 10-digit social-insurance number (mã số BHXH), the personal identifier.
 *
 * Since the 2021 card form (QĐ 1666/QĐ-BHXH, 2020) the printed card shows only the 10-digit BHXH number.
 * It is accepted as a distinct kind: the portal lookup (KQNhanLichSuKCB2024, spec §1.4) returns the full code,
 * which is what must be stored and emitted in `MA_THE_BHYT` (QĐ 130: 15 characters per card).
 */

export type BhytCardErrorCode =
  | 'CARD_EMPTY'
  | 'CARD_LENGTH'
  | 'CARD_GROUP_FORMAT'
  | 'CARD_GROUP_UNKNOWN'
  | 'CARD_BENEFIT_RANGE'
  | 'CARD_PROVINCE_FORMAT'
  | 'CARD_PROVINCE_UNKNOWN'
  | 'CARD_NOT_DIGITS';

/** The BHXH portal's own result code for the same fault (spec §1.4 lookup table), where there is one. */
export type BhxhLookupCode = '051' | '052' | '053';

export interface BhytCardFailure extends Failure<BhytCardErrorCode> {
  readonly bhxhCode?: BhxhLookupCode;
}

export interface FullBhytCard {
  readonly ok: true;
  readonly kind: 'full';
  /** Normalised 15-character code. */
  readonly value: string;
  readonly group: BeneficiaryGroupCode;
  readonly benefitDigit: BenefitDigit;
  /** 2-digit code of the issuing BHXH office. */
  readonly provinceCode: string;
  /** Province name, or the ministry for the 97/98 codes. */
  readonly issuer: string;
  /** 10-digit social-insurance number. */
  readonly socialInsuranceNumber: string;
  /** True when the group does not usually carry this benefit digit (the portal would answer 053 if wrong). */
  readonly benefitDigitUnusualForGroup: boolean;
}

export interface BhxhNumberOnlyCard {
  readonly ok: true;
  readonly kind: 'bhxh-number';
  /** The 10-digit social-insurance number. */
  readonly value: string;
  readonly socialInsuranceNumber: string;
  /** Always true: group, benefit digit and province come only from the portal lookup. */
  readonly needsPortalLookup: true;
}

export type BhytCard = FullBhytCard | BhxhNumberOnlyCard;
export type BhytCardResult = BhytCard | BhytCardFailure;

/**
 * Issuer codes outside the 63 provinces. [I] Not in the spec: BHXH of the Ministry of Defence and of Public
 * Security issue the QN/CA/… cards (lookup results 001/002, spec §1.4) and are commonly coded 97 and 98.
 * Verify against real cards; the portal lookup stays authoritative.
 */
export const MINISTRY_ISSUER_CODES = {
  '97': 'BHXH Bộ Quốc phòng',
  '98': 'BHXH Bộ Công an',
} as const;

function cardFail(code: BhytCardErrorCode, reason: string, bhxhCode?: BhxhLookupCode): BhytCardFailure {
  return bhxhCode ? { ...fail(code, reason), bhxhCode } : fail(code, reason);
}

/** Trims, removes inner whitespace (`HS 4 01 0120878811`) and upper-cases. */
export function normalizeBhytCardCode(code: string): string {
  return typeof code === 'string' ? code.replace(/\s+/g, '').toUpperCase() : '';
}

export function parseBhytCard(code: string): BhytCardResult {
  const text = normalizeBhytCardCode(code);
  if (text === '') return cardFail('CARD_EMPTY', 'BHYT card code is empty');

  if (text.length === 10) {
    if (!/^\d{10}$/.test(text)) {
      return cardFail('CARD_NOT_DIGITS', 'a 10-character card code must be the 10-digit BHXH number', '051');
    }
    return {
      ok: true,
      kind: 'bhxh-number',
      value: text,
      socialInsuranceNumber: text,
      needsPortalLookup: true,
    };
  }
  if (text.length !== 15) {
    return cardFail(
      'CARD_LENGTH',
      `BHYT card code must be 15 characters (or the 10-digit BHXH number); got ${text.length}`,
      '051',
    );
  }

  const group = text.slice(0, 2);
  if (!/^[A-Z]{2}$/.test(group)) {
    return cardFail(
      'CARD_GROUP_FORMAT',
      `characters 1-2 must be the beneficiary-group letters; got '${group}'`,
      '051',
    );
  }
  if (!isBeneficiaryGroupCode(group)) {
    return cardFail('CARD_GROUP_UNKNOWN', `unknown beneficiary group '${group}'`, '051');
  }
  const digit = text[2];
  if (!/^[1-5]$/.test(digit)) {
    return cardFail('CARD_BENEFIT_RANGE', `character 3 (benefit code) must be 1-5; got '${digit}'`, '053');
  }
  const provinceCode = text.slice(3, 5);
  if (!/^\d{2}$/.test(provinceCode)) {
    return cardFail(
      'CARD_PROVINCE_FORMAT',
      `characters 4-5 must be a 2-digit province code; got '${provinceCode}'`,
      '052',
    );
  }
  const issuer = provinceNameOfAdminCode(provinceCode) ?? ministryIssuer(provinceCode);
  if (issuer === undefined) {
    return cardFail('CARD_PROVINCE_UNKNOWN', `unknown province code ${provinceCode} (characters 4-5)`, '052');
  }
  const socialInsuranceNumber = text.slice(5);
  if (!/^\d{10}$/.test(socialInsuranceNumber)) {
    return cardFail('CARD_NOT_DIGITS', 'characters 6-15 must be the 10-digit BHXH number', '051');
  }
  const benefitDigit = Number(digit) as BenefitDigit;
  const usual: readonly number[] = BENEFICIARY_GROUPS[group].benefitDigits;
  return {
    ok: true,
    kind: 'full',
    value: text,
    group,
    benefitDigit,
    provinceCode,
    issuer,
    socialInsuranceNumber,
    benefitDigitUnusualForGroup: !usual.includes(benefitDigit),
  };
}

function ministryIssuer(code: string): string | undefined {
  return code === '97' || code === '98' ? MINISTRY_ISSUER_CODES[code] : undefined;
}

/**
 * The benefit digit that applies on `onDate` ('YYYY-MM-DD'). Spec §2.2 [S] (CV 38/BYT-BH, Nghị quyết
 * 261/2025/QH15): from 01/01/2026 near-poor households (CN) move from 3 to 2 and people over 75 on social
 * pension (LH) from 4 to 2, while cards printed earlier may still show the old digit. Any other card: its digit.
 * Throws on a malformed date (programming error).
 */
export function effectiveBenefitDigit(
  group: BeneficiaryGroupCode,
  printedDigit: BenefitDigit,
  onDate: string,
): BenefitDigit {
  const date = parseCalendarDate(onDate);
  if (!date.ok) throw new RangeError(date.reason);
  if (date.value < '2026-01-01') return printedDigit;
  if (group === 'CN' && printedDigit === 3) return 2;
  if (group === 'LH' && printedDigit === 4) return 2;
  return printedDigit;
}

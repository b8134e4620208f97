import { CCCD_PROVINCE_CODES, isCccdProvinceCode, type CccdProvinceCode } from './provinces';
import { fail, type Failure } from './result';

/**
 * Personal identity documents accepted in XML 130 `SO_CCCD` (QĐ 130 §1.6–1.7, String 15 since QĐ 4750). The
 * portal check (spec §1.5, "CTN" workbook) is "9 or 12 digits, or 1 capital letter followed by 7 digits":
 * - CCCD / chip ID card / the 2024 "thẻ căn cước": the 12-digit personal identification number
 *   (TT 07/2016/TT-BCA): 3-digit province of birth registration, 1 digit for sex and century of birth,
 *   2 digits for the year of birth within the century, 6 random digits;
 * - CMND: the old 9-digit identity card;
 * - passport: a Vietnamese passport is 1 letter + 7 digits. Other (foreign) passports are accepted only when
 *   the caller says the document is a passport (`{ kind: 'passport' }`): 6–15 letters and digits, 15 being
 *   the width of `SO_CCCD`.
 */

export type CitizenIdKind = 'cccd' | 'cmnd' | 'passport';
export type Sex = 'male' | 'female';

export type CitizenIdErrorCode =
  | 'ID_EMPTY'
  | 'ID_UNRECOGNIZED'
  | 'CCCD_LENGTH'
  | 'CCCD_NOT_DIGITS'
  | 'CCCD_PROVINCE_UNKNOWN'
  | 'CCCD_BIRTH_YEAR_IN_FUTURE'
  | 'CMND_FORMAT'
  | 'PASSPORT_FORMAT';

export interface CccdId {
  readonly ok: true;
  readonly kind: 'cccd';
  readonly value: string;
  /** 3-digit province of birth registration, e.g. '001' (Hà Nội). */
  readonly provinceCode: CccdProvinceCode;
  readonly provinceName: string;
  readonly sex: Sex;
  /** Full year of birth decoded from the century digit and the 2-digit year. */
  readonly birthYear: number;
}

export interface CmndId {
  readonly ok: true;
  readonly kind: 'cmnd';
  readonly value: string;
}

export interface PassportId {
  readonly ok: true;
  readonly kind: 'passport';
  readonly value: string;
  /** 'vietnamese' = 1 letter + 7 digits (what the portal checks); 'generic' = any other passport number. */
  readonly format: 'vietnamese' | 'generic';
}

export type CitizenId = CccdId | CmndId | PassportId;
export type CitizenIdResult = CitizenId | Failure<CitizenIdErrorCode>;

export interface ParseCitizenIdOptions {
  /** Validate as this kind instead of detecting it; required for non-Vietnamese passports. */
  readonly kind?: CitizenIdKind;
  /** When given, a CCCD whose decoded birth year is after this year is refused. */
  readonly asOfYear?: number;
}

/**
 * CCCD 4th digit: even = male, odd = female; the pair gives the century of birth (TT 07/2016/TT-BCA Art. 7):
 * 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 1800s.
 */
export const CCCD_CENTURY_OF_DIGIT = {
  '0': 1900,
  '1': 1900,
  '2': 2000,
  '3': 2000,
  '4': 2100,
  '5': 2100,
  '6': 2200,
  '7': 2200,
  '8': 1800,
  '9': 1800,
} as const;

const VIETNAMESE_PASSPORT = /^[A-Z]\d{7}$/;
const GENERIC_PASSPORT = /^[A-Z0-9]{6,15}$/;

/** Trims, removes inner whitespace (cards are often typed in groups) and upper-cases. */
function normalize(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export function parseCitizenId(value: string, options: ParseCitizenIdOptions = {}): CitizenIdResult {
  const text = typeof value === 'string' ? normalize(value) : '';
  if (text === '') return fail('ID_EMPTY', 'identity number is empty');

  switch (options.kind) {
    case 'cccd':
      return parseCccd(text, options.asOfYear);
    case 'cmnd':
      return parseCmnd(text);
    case 'passport':
      return parsePassport(text, true);
  }

  if (/^\d+$/.test(text)) {
    if (text.length === 12) return parseCccd(text, options.asOfYear);
    if (text.length === 9) return parseCmnd(text);
    return fail('CCCD_LENGTH', `CCCD must be 12 digits (or 9 for an old CMND); got ${text.length} digits`);
  }
  if (VIETNAMESE_PASSPORT.test(text)) return parsePassport(text, false);
  return fail(
    'ID_UNRECOGNIZED',
    "identity number must be a 12-digit CCCD, a 9-digit CMND or a passport (1 letter + 7 digits); pass { kind: 'passport' } for other passports",
  );
}

function parseCccd(text: string, asOfYear: number | undefined): CccdId | Failure<CitizenIdErrorCode> {
  if (!/^\d*$/.test(text)) return fail('CCCD_NOT_DIGITS', 'CCCD must contain digits only');
  if (text.length !== 12) return fail('CCCD_LENGTH', `CCCD must be 12 digits; got ${text.length}`);
  const provinceCode = text.slice(0, 3);
  if (!isCccdProvinceCode(provinceCode)) {
    return fail('CCCD_PROVINCE_UNKNOWN', `unknown province code ${provinceCode} in CCCD`);
  }
  const centuryDigit = text[3] as keyof typeof CCCD_CENTURY_OF_DIGIT;
  const birthYear = CCCD_CENTURY_OF_DIGIT[centuryDigit] + Number(text.slice(4, 6));
  if (asOfYear !== undefined && birthYear > asOfYear) {
    return fail('CCCD_BIRTH_YEAR_IN_FUTURE', `CCCD encodes birth year ${birthYear}, after ${asOfYear}`);
  }
  return {
    ok: true,
    kind: 'cccd',
    value: text,
    provinceCode,
    provinceName: CCCD_PROVINCE_CODES[provinceCode],
    sex: Number(centuryDigit) % 2 === 0 ? 'male' : 'female',
    birthYear,
  };
}

function parseCmnd(text: string): CmndId | Failure<CitizenIdErrorCode> {
  if (!/^\d{9}$/.test(text)) return fail('CMND_FORMAT', 'CMND must be 9 digits');
  return { ok: true, kind: 'cmnd', value: text };
}

function parsePassport(text: string, explicit: boolean): PassportId | Failure<CitizenIdErrorCode> {
  if (VIETNAMESE_PASSPORT.test(text))
    return { ok: true, kind: 'passport', value: text, format: 'vietnamese' };
  if (explicit && GENERIC_PASSPORT.test(text)) {
    return { ok: true, kind: 'passport', value: text, format: 'generic' };
  }
  return fail('PASSPORT_FORMAT', 'passport number must be 1 letter + 7 digits, or 6-15 letters and digits');
}

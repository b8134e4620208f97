import { MINISTRY_ISSUER_CODES } from './bhyt-card';
import { provinceNameOfAdminCode } from './provinces';
import { fail, type Failure } from './result';

/**
 * 5-character facility codes: `MA_DKBD` (initial-registration facility printed on the card) and `MA_CSKCB`
 * (QĐ 130 §1.6 items 9 and 18, String 5). They begin with the 2-digit province code; a temporary card (newborn,
 * organ donor) has `MA_DKBD` = province + "000" (spec §2.1, §1.7 item 17).
 *
 * [I] The spec only says "5-char"; we also require 5 digits and a known province prefix (or 97/98, see
 * MINISTRY_ISSUER_CODES), which is how facility codes are issued in practice. The portal's catalogue check
 * stays authoritative.
 */

export type FacilityCodeErrorCode =
  | 'FACILITY_EMPTY'
  | 'FACILITY_LENGTH'
  | 'FACILITY_NOT_DIGITS'
  | 'FACILITY_PROVINCE_UNKNOWN';

export interface FacilityCode {
  readonly ok: true;
  readonly value: string;
  readonly provinceCode: string;
  /** True for the province + "000" code of a temporary card. */
  readonly temporaryCard: boolean;
}

export function parseRegistrationFacilityCode(code: string): FacilityCode | Failure<FacilityCodeErrorCode> {
  const text = typeof code === 'string' ? code.trim() : '';
  if (text === '') return fail('FACILITY_EMPTY', 'facility code is empty');
  if (text.length !== 5)
    return fail('FACILITY_LENGTH', `facility code must be 5 characters; got ${text.length}`);
  if (!/^\d{5}$/.test(text)) return fail('FACILITY_NOT_DIGITS', 'facility code must be 5 digits');
  const provinceCode = text.slice(0, 2);
  if (provinceNameOfAdminCode(provinceCode) === undefined && !(provinceCode in MINISTRY_ISSUER_CODES)) {
    return fail('FACILITY_PROVINCE_UNKNOWN', `unknown province code ${provinceCode} in facility code`);
  }
  return { ok: true, value: text, provinceCode, temporaryCard: text.endsWith('000') };
}

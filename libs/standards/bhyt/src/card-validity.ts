import { parseBhytCard, type BhytCard, type BhytCardErrorCode } from './bhyt-card';
import { addDays, parseCalendarDate } from './dates';

/**
 * Is a BHYT card usable on a date? Validity comes from the card / portal lookup: `GT_THE_TU` and `GT_THE_DEN`
 * (QĐ 130 §1.6 items 10–11, yyyymmdd), both inclusive. Dates here are 'YYYY-MM-DD' (yyyymmdd is accepted too).
 *
 * Grace period, spec §2.2 [S] (NĐ 188/2025 Art. 50(4)): when the card expires during inpatient, day or
 * outpatient treatment, the fund pays until discharge, at most 15 days after expiry. Pass `treatmentStart`
 * (the admission to that treatment, NGAY_VAO_NOI_TRU) to apply it.
 */

export type CardValidityCode = 'VALID' | 'GRACE_AFTER_EXPIRY';
export type CardUnusableCode =
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'INVALID_CARD'
  | 'INVALID_DATE'
  | 'INVALID_WINDOW';

export interface CardValidityWindow {
  readonly validFrom: string;
  readonly validTo: string;
  readonly onDate: string;
  /** Start of the inpatient/day/outpatient treatment the date belongs to, if any. */
  readonly treatmentStart?: string;
}

export type CardValidity =
  | {
      readonly usable: true;
      readonly code: CardValidityCode;
      readonly reason: string;
      readonly card: BhytCard;
    }
  | {
      readonly usable: false;
      readonly code: CardUnusableCode;
      readonly reason: string;
      /** Set when code is INVALID_CARD. */
      readonly cardError?: BhytCardErrorCode;
    };

/** Days after GT_THE_DEN that an ongoing treatment stays covered (NĐ 188/2025 Art. 50(4), spec §2.2). */
export const EXPIRY_GRACE_DAYS = 15;

export function checkCardValidity(card: string | BhytCard, window: CardValidityWindow): CardValidity {
  const parsed = typeof card === 'string' ? parseBhytCard(card) : card;
  if (!parsed.ok) {
    return { usable: false, code: 'INVALID_CARD', reason: parsed.reason, cardError: parsed.code };
  }
  const from = parseCalendarDate(window.validFrom);
  if (!from.ok) return invalidDate('validFrom', from.reason);
  const to = parseCalendarDate(window.validTo);
  if (!to.ok) return invalidDate('validTo', to.reason);
  const on = parseCalendarDate(window.onDate);
  if (!on.ok) return invalidDate('onDate', on.reason);
  const start = window.treatmentStart === undefined ? undefined : parseCalendarDate(window.treatmentStart);
  if (start && !start.ok) return invalidDate('treatmentStart', start.reason);

  if (from.dayNumber > to.dayNumber) {
    return {
      usable: false,
      code: 'INVALID_WINDOW',
      reason: `validFrom ${from.value} is after validTo ${to.value}`,
    };
  }
  if (on.dayNumber < from.dayNumber) {
    return {
      usable: false,
      code: 'NOT_YET_VALID',
      reason: `card is valid from ${from.value}, not on ${on.value}`,
    };
  }
  if (on.dayNumber <= to.dayNumber) {
    return {
      usable: true,
      code: 'VALID',
      reason: `card is valid ${from.value} to ${to.value}`,
      card: parsed,
    };
  }
  const graceEnd = addDays(to.value, EXPIRY_GRACE_DAYS);
  if (start && start.dayNumber >= from.dayNumber && start.dayNumber <= to.dayNumber && on.value <= graceEnd) {
    return {
      usable: true,
      code: 'GRACE_AFTER_EXPIRY',
      reason: `card expired ${to.value} during treatment started ${start.value}; covered until discharge, at most ${graceEnd}`,
      card: parsed,
    };
  }
  return { usable: false, code: 'EXPIRED', reason: `card expired on ${to.value}; ${on.value} is after it` };
}

function invalidDate(label: string, reason: string): CardValidity {
  return { usable: false, code: 'INVALID_DATE', reason: `${label}: ${reason}` };
}

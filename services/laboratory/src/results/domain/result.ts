import { AbnormalFlag } from '@hosp/contracts';
import type { Flag } from '../../test-definitions/domain/flags';

/**
 * A result version's status:
 *   pending-technical -> pending-medical -> final      (human validation, two different users)
 *   pending-technical -> final                          (auto-verified: the rule's code is recorded)
 *   final -> corrected                                  (a correction added the next version, itself final)
 *   pending-* -> superseded                             (the analyzer reran the test before release)
 *   pending-* -> cancelled                              (the specimen was rejected)
 */
export const RESULT_STATUSES = [
  'pending-technical',
  'pending-medical',
  'final',
  'corrected',
  'superseded',
  'cancelled',
] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const LIVE_STATUSES: readonly ResultStatus[] = ['pending-technical', 'pending-medical', 'final'];
export const isPending = (s: ResultStatus): boolean => s === 'pending-technical' || s === 'pending-medical';

export const FLAG_TO_PROTO: Record<Flag, AbnormalFlag> = {
  N: AbnormalFlag.NORMAL,
  L: AbnormalFlag.LOW,
  H: AbnormalFlag.HIGH,
  LL: AbnormalFlag.CRITICAL_LOW,
  HH: AbnormalFlag.CRITICAL_HIGH,
  A: AbnormalFlag.ABNORMAL,
};

/**
 * Why an analyzer result was held instead of attached (lab_held_result.reason_code). Held results are listed
 * over REST and resolved onto a specimen's test or discarded with a reason; none is dropped.
 */
export const HOLD_REASONS = {
  UNKNOWN_SPECIMEN: 'no specimen has this barcode',
  SPECIMEN_REJECTED: 'the specimen was rejected or cancelled',
  UNMAPPED_CODE: "the device code is not in the connection's code map",
  TEST_NOT_ORDERED: "the test is not on the specimen's order",
  LOINC_MISMATCH: "the LOINC differs from the test definition's (a panel component?)",
  UNIT_MISMATCH: "the unit is not the test's UCUM unit",
  NOT_NUMERIC: 'the test is numeric and the value is not a plain number',
  ALREADY_FINAL: 'the test already has a released result (correct it instead)',
  RESULT_NOT_OBTAINED: 'the device reported no result (status X or deleted)',
} as const;
export type HoldReason = keyof typeof HOLD_REASONS;

/** HL7 OBX-11 / ASTM R-9 statuses that carry a value LIS can use: F final, C correction, P preliminary, R. */
export function usableResultStatus(status: string): boolean {
  return ['', 'F', 'C', 'P', 'R'].includes(status.trim().toUpperCase());
}

import type { FieldProblem } from '@hosp/platform-runtime';
import { DISCHARGE_TYPES, parseCalendarDate, TREATMENT_OUTCOMES, VISIT_TYPES } from '@hosp/standards-bhyt';

export const ENCOUNTER_CLASSES = ['outpatient', 'emergency', 'day-treatment', 'inpatient'] as const;
export type EncounterClass = (typeof ENCOUNTER_CLASSES)[number];

export const ENCOUNTER_STATUSES = ['in-progress', 'discharged', 'closed', 'cancelled'] as const;
export type EncounterStatus = (typeof ENCOUNTER_STATUSES)[number];

export const ROUTES = ['correct', 'emergency', 'off-route'] as const;
export type CareRoute = (typeof ROUTES)[number];

export type EncounterAction =
  | 'transfer'
  | 'discharge'
  | 'close'
  | 'cancel'
  | 'order'
  | 'charge'
  | 'diagnose'
  | 'change-coverage';

/**
 * What each status allows. An encounter runs in-progress -> discharged -> closed; only an in-progress one
 * can be cancelled (checked in by mistake), transferred, diagnosed, take orders or change its BHYT card;
 * charges may still be posted after discharge (late lab results, the last bed-day) until the episode is closed
 * for the claim. A card presented after discharge is a correction of the claim, not of the stay.
 */
const ALLOWED: Record<EncounterStatus, readonly EncounterAction[]> = {
  'in-progress': ['transfer', 'discharge', 'cancel', 'order', 'charge', 'diagnose', 'change-coverage'],
  discharged: ['close', 'charge', 'diagnose'],
  closed: [],
  cancelled: [],
};

export function allows(status: EncounterStatus, action: EncounterAction): boolean {
  return ALLOWED[status].includes(action);
}

/** MA_LOAI_KCB a class starts with when the caller does not say (QĐ 130 XML1 item MA_LOAI_KCB). */
export const DEFAULT_VISIT_TYPE: Record<EncounterClass, keyof typeof VISIT_TYPES> = {
  outpatient: '01',
  emergency: '01',
  'day-treatment': '04',
  inpatient: '03',
};

/** Visit types of each class: an inpatient encounter cannot be claimed as an outpatient exam. */
export const VISIT_TYPES_OF_CLASS: Record<EncounterClass, ReadonlyArray<keyof typeof VISIT_TYPES>> = {
  outpatient: ['01', '02', '05', '07', '08', '10', '11', '12', '13', '14', '15', '16'],
  emergency: ['01', '03', '09'],
  'day-treatment': ['04', '06'],
  inpatient: ['03', '09'],
};

/** The route an encounter is insured on when the caller does not say: an emergency is paid as one. */
export function defaultRoute(c: EncounterClass): CareRoute {
  return c === 'emergency' ? 'emergency' : 'correct';
}

/** BHYT pays inpatient rates for these classes (coverage.ts CareSetting). */
export function careSetting(c: EncounterClass): 'inpatient' | 'outpatient' {
  return c === 'inpatient' || c === 'day-treatment' ? 'inpatient' : 'outpatient';
}

/** ICD-10 as the Ministry of Health list writes it (QĐ 4469/QĐ-BYT): letter, two digits, optional subcode. */
export const ICD10 = /^[A-Z]\d{2}(\.\d{1,2})?$/;

export const OUTCOME_CODES = Object.keys(TREATMENT_OUTCOMES);
export const DISCHARGE_TYPE_CODES = Object.keys(DISCHARGE_TYPES);

/**
 * MA_LOAI_RV codes that send the patient to another facility: 2 referred for clinical reasons, 5 referred on
 * the patient's request (the spec, vietnam-bhyt-emr.md §1.7 row 41). Exactly these discharges carry a referral
 * letter (XML13).
 */
export const REFERRED_DISCHARGE_TYPES: readonly string[] = ['2', '5'];

/**
 * The referral letter (giấy chuyển tuyến) written at a referred discharge: the facts of QĐ 4750 XML13 that HIS
 * cannot derive from the encounter (the spec §1.11); the claim fills the rest (patient, card, diagnoses, times).
 */
export interface Referral {
  /** MA_NOI_DEN: the facility the patient is referred to, 5 characters. */
  toFacility: string;
  /** MA_LYDO_CT, one digit (the spec lists the element, Number 1, but not its codes). */
  reasonCode: string;
  /** SO_CHUYENTUYEN / GIAY_CHUYEN_TUYEN (XML1 row 37), at most 50 characters. */
  letterNumber?: string;
  /** DAU_HIEU_LS. */
  clinicalSigns?: string;
  /** HUONG_DIEU_TRI. */
  treatmentDirection?: string;
  /** PHUONGTIEN_VC. */
  transport?: string;
  /** HOTEN_NGUOI_HT, CHUCDANH_NGUOI_HT. */
  escortName?: string;
  escortTitle?: string;
}

/** What a discharge records besides the outcome, for the claim's XML1, XML13 and XML14. */
export interface DischargeDetails {
  referral?: Referral | null;
  /** NGAY_TAI_KHAM / NGAY_HEN_KL, 'YYYY-MM-DD'. */
  followUpDate?: string | null;
  /** PP_DIEU_TRI. */
  treatmentSummary?: string | null;
}

/**
 * The rules between the discharge fields, on the facility day of the discharge (`day`, 'YYYY-MM-DD'): a referred
 * discharge (MA_LOAI_RV 2 or 5) needs its referral letter and no other discharge has one, since XML1 MA_NOI_DEN
 * and XML13 describe the referral (the spec §1.7 rows 32, 37, 41; §1.11); the letter goes to another facility
 * than this one; a re-exam appointment (NGAY_TAI_KHAM, §1.7 row 62, a yyyymmdd date per §1.5) is a calendar
 * day not before the discharge day.
 */
export function dischargeDetailProblems(
  dischargeType: string,
  d: DischargeDetails,
  day: string,
  facilityCode: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const referred = REFERRED_DISCHARGE_TYPES.includes(dischargeType);
  if (referred && !d.referral)
    problems.push({
      field: 'referral',
      reason:
        `is required: dischargeType ${dischargeType} refers the patient to another facility, and the claim ` +
        'needs the referral letter (MA_NOI_DEN, MA_LYDO_CT)',
    });
  else if (!referred && d.referral)
    problems.push({
      field: 'referral',
      reason:
        'only a referred discharge (dischargeType 2 or 5) has a referral letter; ' +
        `dischargeType is ${dischargeType}`,
    });
  else if (d.referral && d.referral.toFacility === facilityCode)
    problems.push({
      field: 'referral.toFacility',
      reason: `is this facility (${facilityCode}); a referral sends the patient to another one`,
    });
  if (d.followUpDate) {
    const parsed = parseCalendarDate(d.followUpDate);
    if (!parsed.ok) problems.push({ field: 'followUpDate', reason: parsed.reason });
    else if (parsed.value < day)
      problems.push({
        field: 'followUpDate',
        reason: `${parsed.value} is before the discharge day ${day}`,
      });
  }
  return problems;
}

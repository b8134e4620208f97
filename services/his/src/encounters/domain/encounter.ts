import { DISCHARGE_TYPES, TREATMENT_OUTCOMES, VISIT_TYPES } from '@hosp/standards-bhyt';

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

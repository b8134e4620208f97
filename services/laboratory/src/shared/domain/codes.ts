import { OrderPriority as ProtoPriority, Sex } from '@hosp/contracts';

/** Administrative sex as LIS stores it (FHIR AdministrativeGender), from the proto enum. */
export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export type SexCode = (typeof SEXES)[number];

export const SEX_FROM_PROTO: Record<Sex, SexCode | null> = {
  [Sex.UNSPECIFIED]: null,
  [Sex.MALE]: 'male',
  [Sex.FEMALE]: 'female',
  [Sex.OTHER]: 'other',
  [Sex.UNKNOWN]: 'unknown',
};

export const SEX_TO_PROTO: Record<SexCode, Sex> = {
  male: Sex.MALE,
  female: Sex.FEMALE,
  other: Sex.OTHER,
  unknown: Sex.UNKNOWN,
};

export const PRIORITIES = ['routine', 'urgent', 'stat'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRIORITY_FROM_PROTO: Record<ProtoPriority, Priority> = {
  [ProtoPriority.UNSPECIFIED]: 'routine',
  [ProtoPriority.ROUTINE]: 'routine',
  [ProtoPriority.URGENT]: 'urgent',
  [ProtoPriority.STAT]: 'stat',
};

const RANK: Record<Priority, number> = { routine: 0, urgent: 1, stat: 2 };

/** The more urgent of two priorities: a tube is run as urgently as its most urgent test. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The work order's priority code: HL7 TQ1-9 (table 0485) and ASTM E1394 O-6 share S stat, A as soon as
 * possible, R routine.
 */
export const PRIORITY_CODE: Record<Priority, string> = { stat: 'S', urgent: 'A', routine: 'R' };

/** The HIS service catalogue: the code system of a test's service code (as HIS names it on OrderPlaced). */
export const SERVICE_CATALOG_SYSTEM = 'urn:hosp:his:service-catalog';
export const LOINC_SYSTEM = 'http://loinc.org';

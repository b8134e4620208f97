import { OrderPriority as ProtoPriority, Sex } from '@hosp/contracts';

/** Administrative sex as RIS stores it (FHIR AdministrativeGender), from the proto enum. */
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

/** (0040,1003) Requested Procedure Priority: the DICOM defined terms STAT, HIGH, ROUTINE (PS3.3 C.4.11). */
export const DICOM_PRIORITY: Record<Priority, string> = { stat: 'STAT', urgent: 'HIGH', routine: 'ROUTINE' };

/** The HIS service catalogue: the code system of an order's service code (as HIS names it on OrderPlaced). */
export const SERVICE_CATALOG_SYSTEM = 'urn:hosp:his:service-catalog';

import { Sex } from '@hosp/contracts';

/** Administrative sex as the API spells it (FHIR AdministrativeGender), and its proto enum. */
export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export type SexCode = (typeof SEXES)[number];

export const SEX_TO_PROTO: Record<SexCode, Sex> = {
  male: Sex.MALE,
  female: Sex.FEMALE,
  other: Sex.OTHER,
  unknown: Sex.UNKNOWN,
};

import {
  foldVietnamese,
  parseBhytCard,
  parseCalendarDate,
  parseCitizenId,
  parseRegistrationFacilityCode,
  type CitizenIdKind,
  type FullBhytCard,
} from '@hosp/standards-bhyt';
import type { FieldProblem } from '@hosp/platform-runtime';
import type { SexCode } from '../../shared/domain/codes';
import { parsePartialDate } from '../../shared/domain/partial-date';

export interface AddressInput {
  line?: string;
  provinceCode?: string;
  districtCode?: string;
  communeCode?: string;
}

export interface InsuranceCardInput {
  cardNumber: string;
  validFrom: string;
  validTo: string;
  registrationFacility: string;
}

/** What a caller may say about a person; validated into `PatientFacts`. */
export interface PatientInput {
  citizenId?: string;
  /** Only needed to tell a passport from a CCCD/CMND when the number alone is ambiguous. */
  citizenIdKind?: CitizenIdKind;
  fullName: string;
  birthDate: string;
  sex: SexCode;
  address?: AddressInput;
  ethnicityCode?: string;
  nationalityCode?: string;
  occupationCode?: string;
  phone?: string;
  insuranceCard?: InsuranceCardInput;
}

export interface ValidCard {
  cardNumber: string;
  bhxhNumber: string;
  group: string;
  benefitLevel: number;
  validFrom: string;
  validTo: string;
  registrationFacility: string;
}

export interface PatientFacts {
  citizenId: string | null;
  citizenIdKind: CitizenIdKind | null;
  fullName: string;
  nameFolded: string;
  birthDate: string;
  birthYear: number;
  sex: SexCode;
  address: AddressInput;
  ethnicityCode: string | null;
  nationalityCode: string | null;
  occupationCode: string | null;
  phone: string | null;
  card: ValidCard | null;
}

/**
 * Validates and normalises a person's details. Identity numbers follow TT 59/2021 (CCCD, 12 digits: province
 * of birth, sex/century digit, year of birth, serial), and when a CCCD is given its encoded sex and birth year
 * must agree with what the caller says: a mismatch is nearly always a typo in one of them.
 */
export function validatePatient(input: PatientInput, prefix = ''): PatientFacts | FieldProblem[] {
  const problems: FieldProblem[] = [];
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const fullName = input.fullName.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (fullName.length === 0) problems.push({ field: at('fullName'), reason: 'must not be empty' });
  const birth = parsePartialDate(input.birthDate);
  if (!birth.ok) problems.push({ field: at('birthDate'), reason: birth.reason });

  let citizenId: string | null = null;
  let citizenIdKind: CitizenIdKind | null = null;
  if (input.citizenId !== undefined && input.citizenId !== '') {
    const id = parseCitizenId(input.citizenId, input.citizenIdKind ? { kind: input.citizenIdKind } : {});
    if (!id.ok) {
      problems.push({ field: at('citizenId'), reason: `${id.reason} (${id.code})` });
    } else {
      citizenId = id.value;
      citizenIdKind = id.kind;
      if (id.kind === 'cccd') {
        if ((input.sex === 'male' || input.sex === 'female') && id.sex !== input.sex)
          problems.push({ field: at('citizenId'), reason: `encodes sex ${id.sex}, but sex is ${input.sex}` });
        if (birth.ok && id.birthYear !== birth.year)
          problems.push({
            field: at('citizenId'),
            reason: `encodes birth year ${id.birthYear}, but birthDate is ${input.birthDate}`,
          });
      }
    }
  }

  let card: ValidCard | null = null;
  if (input.insuranceCard) {
    const result = validateCard(input.insuranceCard, at('insuranceCard'));
    if (Array.isArray(result)) problems.push(...result);
    else card = result;
  }
  if (problems.length > 0 || !birth.ok) return problems;
  return {
    citizenId,
    citizenIdKind,
    fullName,
    nameFolded: foldVietnamese(fullName),
    birthDate: birth.value,
    birthYear: birth.year,
    sex: input.sex,
    address: input.address ?? {},
    ethnicityCode: input.ethnicityCode ?? null,
    nationalityCode: input.nationalityCode ?? null,
    occupationCode: input.occupationCode ?? null,
    phone: input.phone ?? null,
    card,
  };
}

/**
 * A BHYT card as recorded on a patient: the 15-character code of QĐ 1351/QĐ-BHXH (group, benefit digit,
 * province, BHXH number), its validity window (GT_THE_TU/GT_THE_DEN) and the initial-registration facility
 * (MA_DKBD). The 10-digit number alone cannot be stored: group and benefit come only from the portal lookup.
 */
export function validateCard(input: InsuranceCardInput, field: string): ValidCard | FieldProblem[] {
  const problems: FieldProblem[] = [];
  // An empty `field`: the card's fields are the request body's own (POST /encounters/:id/coverage).
  const at = (name: string) => (field ? `${field}.${name}` : name);
  const parsed = parseBhytCard(input.cardNumber);
  let full: FullBhytCard | undefined;
  if (!parsed.ok) problems.push({ field: at('cardNumber'), reason: `${parsed.reason} (${parsed.code})` });
  else if (parsed.kind !== 'full')
    problems.push({
      field: at('cardNumber'),
      reason: 'a 10-digit BHXH number needs the portal lookup for the full 15-character card code',
    });
  else full = parsed;
  const from = parseCalendarDate(input.validFrom);
  const to = parseCalendarDate(input.validTo);
  if (!from.ok) problems.push({ field: at('validFrom'), reason: from.reason });
  if (!to.ok) problems.push({ field: at('validTo'), reason: to.reason });
  if (from.ok && to.ok && input.validTo < input.validFrom)
    problems.push({ field: at('validTo'), reason: 'is before validFrom' });
  const facility = parseRegistrationFacilityCode(input.registrationFacility);
  if (!facility.ok)
    problems.push({
      field: at('registrationFacility'),
      reason: `${facility.reason} (${facility.code})`,
    });
  if (problems.length > 0 || !full) return problems;
  return {
    cardNumber: full.value,
    bhxhNumber: full.socialInsuranceNumber,
    group: full.group,
    benefitLevel: full.benefitDigit,
    validFrom: input.validFrom,
    validTo: input.validTo,
    registrationFacility: input.registrationFacility.trim(),
  };
}

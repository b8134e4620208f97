/**
 * @hosp/standards-bhyt: Vietnamese BHYT (health insurance) and identity rules as plain functions and code
 * tables — citizen ID, BHYT card, card validity, benefit level -> MUC_HUONG, QĐ 130 money rules, XML 130 code
 * lists, e-prescription codes and Vietnamese text folding. No framework, no I/O, no runtime dependencies.
 */
export type { Failure } from './result';
export { parseCalendarDate, addDays, compareDates, type CalendarDate, type DateErrorCode } from './dates';
export {
  parseDecimal,
  divRoundHalfUp,
  formatUnits,
  type DecimalInput,
  type DecimalErrorCode,
} from './decimal';
export {
  CCCD_PROVINCE_CODES,
  isCccdProvinceCode,
  provinceNameOfAdminCode,
  type CccdProvinceCode,
} from './provinces';
export {
  parseCitizenId,
  CCCD_CENTURY_OF_DIGIT,
  type CitizenId,
  type CitizenIdKind,
  type CitizenIdResult,
  type CitizenIdErrorCode,
  type CccdId,
  type CmndId,
  type PassportId,
  type ParseCitizenIdOptions,
  type Sex,
} from './citizen-id';
export {
  BENEFICIARY_GROUPS,
  POSSIBLY_UNVERIFIABLE_GROUPS,
  isBeneficiaryGroupCode,
  type BeneficiaryGroup,
  type BeneficiaryGroupCode,
  type BenefitDigit,
} from './beneficiary-groups';
export {
  parseBhytCard,
  normalizeBhytCardCode,
  effectiveBenefitDigit,
  MINISTRY_ISSUER_CODES,
  type BhytCard,
  type BhytCardResult,
  type BhytCardFailure,
  type BhytCardErrorCode,
  type BhxhLookupCode,
  type FullBhytCard,
  type BhxhNumberOnlyCard,
} from './bhyt-card';
export {
  checkCardValidity,
  EXPIRY_GRACE_DAYS,
  type CardValidity,
  type CardValidityCode,
  type CardUnusableCode,
  type CardValidityWindow,
} from './card-validity';
export {
  parseRegistrationFacilityCode,
  type FacilityCode,
  type FacilityCodeErrorCode,
} from './facility-code';
export {
  coverageRate,
  BENEFIT_LEVELS,
  TECHNICAL_LEVELS_FROM,
  OUTPATIENT_HALF_RATE_FROM,
  SMALL_COST_PERCENT_OF_BASE_SALARY,
  type CardLevel,
  type CareSetting,
  type Coverage,
  type CoverageContext,
  type CoverageErrorCode,
  type CoverageReason,
  type CoverageResult,
  type FacilityProfile,
  type Route,
  type RouteTier,
  type TechnicalLevel,
} from './coverage';
export {
  computeInsuranceShare,
  sumEpisodeAmounts,
  QUANTITY_DECIMALS,
  PRICE_DECIMALS,
  AMOUNT_DECIMALS,
  type EpisodeTotals,
  type InsuranceShare,
  type InsuranceShareInput,
  type InsuranceShareResult,
  type MoneyErrorCode,
  type OtherSources,
  type OtherSourcesSupport,
} from './money';
export {
  VISIT_TYPES,
  TREATMENT_OUTCOMES,
  DISCHARGE_TYPES,
  XML130_GENDERS,
  PRESCRIPTION_GENDERS,
  isVisitTypeCode,
  xml130GenderToPrescriptionGender,
  type VisitTypeCode,
  type TreatmentOutcomeCode,
  type DischargeTypeCode,
  type Xml130GenderCode,
  type PrescriptionGenderCode,
} from './visit-types';
export {
  generatePrescriptionCode,
  parsePrescriptionCode,
  isPrescriptionTypeLetter,
  PRESCRIPTION_TYPES,
  PRESCRIPTION_PAYLOAD_TYPES,
  PRESCRIPTION_CODE_LENGTH,
  type GeneratePrescriptionCodeOptions,
  type PrescriptionCode,
  type PrescriptionCodeErrorCode,
  type PrescriptionCodeResult,
  type PrescriptionPayloadType,
  type PrescriptionSerialSource,
  type PrescriptionTypeLetter,
} from './prescription-code';
export { foldVietnamese } from './vietnamese-text';

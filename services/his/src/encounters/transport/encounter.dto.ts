import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  DISCHARGE_TYPE_CODES,
  ENCOUNTER_CLASSES,
  type EncounterClass,
  ICD10,
  OUTCOME_CODES,
  ROUTES,
  type CareRoute,
} from '../domain/encounter';
import { ISO_DATE } from '../../shared/transport/dto';

const ICD_MESSAGE = 'must be an ICD-10 code such as J18.9';

export class StartEncounterDto {
  @IsUUID('4') patientId!: string;
  @IsIn(ENCOUNTER_CLASSES) encounterClass!: EncounterClass;
  /** MA_LOAI_KCB, 2 digits; defaults by class (01 outpatient exam, 03 inpatient, 04 day treatment). */
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'visitType must be a 2-digit MA_LOAI_KCB' })
  visitType?: string;
  @IsString() @IsNotEmpty() @MaxLength(20) departmentCode!: string;
  @IsOptional() @IsString() @MaxLength(20) roomCode?: string;
  @IsOptional() @IsString() @MaxLength(20) bedCode?: string;
  @IsOptional() @IsString() insuranceCardNumber?: string;
  @IsOptional() @IsBoolean() useInsurance?: boolean;
  @IsOptional() @IsIn(ROUTES) route?: CareRoute;
}

export class VersionDto {
  /** When given, the change is refused with 409 if the encounter has moved on since this version. */
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class TransferDto extends VersionDto {
  @IsString() @IsNotEmpty() @MaxLength(20) toDepartmentCode!: string;
  @IsOptional() @IsString() @MaxLength(20) bedCode?: string;
}

export class DiagnoseDto extends VersionDto {
  @IsOptional() @Matches(ICD10, { message: `mainDiagnosis ${ICD_MESSAGE}` }) mainDiagnosis?: string;
  @IsOptional()
  @ArrayMaxSize(12)
  @Matches(ICD10, { each: true, message: `secondaryDiagnoses ${ICD_MESSAGE}` })
  secondaryDiagnoses?: string[];
}

/** MA_NOI_DEN: 5 characters, digits or capital letters, as the claim layout checks it (the spec §1.7 row 32). */
const FACILITY_CODE = /^[0-9A-Z]{5}$/;

/**
 * The referral letter (giấy chuyển tuyến, QĐ 4750 XML13; the spec, vietnam-bhyt-emr.md §1.11). Widths follow
 * the XML13 elements; the unbounded ones ("n") get the same 4000-character bound as the treatment summary.
 */
export class ReferralDto {
  /** MA_NOI_DEN: the facility the patient is referred to. */
  @Matches(FACILITY_CODE, { message: 'toFacility must be a 5-character facility code (MA_NOI_DEN)' })
  toFacility!: string;
  /**
   * MA_LYDO_CT, Number 1. The spec lists the element but not its code list (1 = for the patient's benefit /
   * suitable level, 2 = at the patient's request are expected but unconfirmed), so any single digit is
   * accepted and the claim carries it as given.
   */
  @Matches(/^[0-9]$/, { message: 'reasonCode must be a single digit (MA_LYDO_CT)' })
  reasonCode!: string;
  /** SO_CHUYENTUYEN / GIAY_CHUYEN_TUYEN, String 50. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(50) letterNumber?: string;
  /** DAU_HIEU_LS. */
  @IsOptional() @IsString() @MaxLength(4000) clinicalSigns?: string;
  /** HUONG_DIEU_TRI. */
  @IsOptional() @IsString() @MaxLength(4000) treatmentDirection?: string;
  /** PHUONGTIEN_VC, String 255. */
  @IsOptional() @IsString() @MaxLength(255) transport?: string;
  /** HOTEN_NGUOI_HT, CHUCDANH_NGUOI_HT, String 255 each. */
  @IsOptional() @IsString() @MaxLength(255) escortName?: string;
  @IsOptional() @IsString() @MaxLength(255) escortTitle?: string;
}

export class DischargeDto extends DiagnoseDto {
  /** KET_QUA_DTRI (QĐ 130 XML1): 1 cured ... 8 died outside hospital. */
  @IsIn(OUTCOME_CODES) outcome!: string;
  /** MA_LOAI_RV (QĐ 130 XML1): 1 discharged ... 5 referred on request. */
  @IsIn(DISCHARGE_TYPE_CODES) dischargeType!: string;
  @IsOptional() @Type(() => Date) @IsDate() at?: Date;
  /** Required when dischargeType is 2 or 5 (referred), refused otherwise (checked by the service). */
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ReferralDto) referral?: ReferralDto;
  /** The re-exam appointment day (NGAY_TAI_KHAM, XML14), not before the discharge day. */
  @IsOptional() @Matches(ISO_DATE, { message: 'followUpDate must be YYYY-MM-DD' }) followUpDate?: string;
  /** The treatment given (PP_DIEU_TRI), free text. */
  @IsOptional() @IsString() @MaxLength(4000) treatmentSummary?: string;
}

/**
 * The new BHYT card, as read from the card or the BHXH portal lookup. Only the shape is checked here; the card
 * code, dates and MA_DKBD are validated as at registration (400 naming the field) and the card's validity on
 * the day of the change as at check-in (422).
 */
export class ChangeCoverageDto extends VersionDto {
  /** The 15-character BHYT card code, e.g. "DN4797912345678". */
  @IsString() @IsNotEmpty() cardNumber!: string;
  @Matches(ISO_DATE, { message: 'validFrom must be YYYY-MM-DD' }) validFrom!: string;
  @Matches(ISO_DATE, { message: 'validTo must be YYYY-MM-DD' }) validTo!: string;
  /** Initial-registration facility (MA_DKBD), 5 digits. */
  @IsString() registrationFacility!: string;
  /** Default: the encounter's current route. */
  @IsOptional() @IsIn(ROUTES) route?: CareRoute;
  /** Why the card changed (renewed card, card brought after admission...); carried on the event. */
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CancelDto extends VersionDto {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

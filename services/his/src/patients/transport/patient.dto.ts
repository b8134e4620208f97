import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsUUID,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
  Max,
} from 'class-validator';
import { SEXES, type SexCode } from '../../shared/domain/codes';
import { ISO_DATE, ToInt } from '../../shared/transport/dto';

export class AddressDto {
  @IsOptional() @IsString() @MaxLength(500) line?: string;
  /** Administrative codes (GSO): province 2 digits, district 3, commune 5. */
  @IsOptional() @Matches(/^\d{2}$/, { message: 'provinceCode must be 2 digits' }) provinceCode?: string;
  @IsOptional() @Matches(/^\d{3}$/, { message: 'districtCode must be 3 digits' }) districtCode?: string;
  @IsOptional() @Matches(/^\d{5}$/, { message: 'communeCode must be 5 digits' }) communeCode?: string;
}

export class InsuranceCardDto {
  /** The 15-character BHYT card code, e.g. "DN4797912345678". */
  @IsString() @IsNotEmpty() cardNumber!: string;
  @Matches(ISO_DATE, { message: 'validFrom must be YYYY-MM-DD' }) validFrom!: string;
  @Matches(ISO_DATE, { message: 'validTo must be YYYY-MM-DD' }) validTo!: string;
  /** Initial-registration facility (MA_DKBD), 5 digits. */
  @IsString() registrationFacility!: string;
}

export class PatientDto {
  /** CCCD (12 digits), an older 9-digit CMND, or a passport number. */
  @IsOptional() @IsString() citizenId?: string;
  @IsOptional() @IsIn(['cccd', 'cmnd', 'passport']) citizenIdKind?: 'cccd' | 'cmnd' | 'passport';
  /** Full name in UTF-8 as on the identity document, e.g. "Nguyễn Thị Hoa". */
  @IsString() @IsNotEmpty() @MaxLength(255) fullName!: string;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  @IsString() birthDate!: string;
  @IsIn(SEXES) sex!: SexCode;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'ethnicityCode must be 2 digits (QĐ 121-TCTK)' })
  ethnicityCode?: string;
  @IsOptional()
  @Matches(/^\d{3}$/, { message: 'nationalityCode must be 3 digits (ISO 3166 numeric)' })
  nationalityCode?: string;
  @IsOptional() @IsString() @MaxLength(10) occupationCode?: string;
  @IsOptional() @Matches(/^\+?\d{8,15}$/, { message: 'phone must be 8-15 digits' }) phone?: string;
  @IsOptional() @ValidateNested() @Type(() => InsuranceCardDto) insuranceCard?: InsuranceCardDto;
}

export class UpdatePatientDto extends PatientDto {
  /** The version the edit was made from (optimistic locking); a stale version is refused with 409. */
  @IsInt() @Min(1) version!: number;
}

export class PatientSearchDto {
  /** Accent-insensitive, word prefixes: "nguyen v an". */
  @IsOptional() @IsString() @MaxLength(100) name?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1880) @Max(2200) birthYear?: number;
  /** Exact date of birth as recorded: "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/, { message: 'birthDate must be YYYY, YYYY-MM or YYYY-MM-DD' })
  birthDate?: string;
  @IsOptional() @IsString() citizenId?: string;
  /** A 15-character card code or a 10-digit BHXH number. */
  @IsOptional() @IsString() card?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(100) limit?: number;
}

export class MergePatientDto {
  /** The duplicate record to retire into the survivor (the path's patient). */
  @IsUUID('4') mergedPatientId!: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

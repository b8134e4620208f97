import type { PrescriptionTypeLetter } from '@hosp/standards-bhyt';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_SUPPLY_DAYS, PRESCRIPTION_TYPE_LETTERS } from '../domain/prescription';

export class PrescriptionItemDto {
  /** The hospital drug catalogue code (MA_THUOC). */
  @IsString() @IsNotEmpty() @MaxLength(50) drugCode!: string;
  /** SO_LUONG as a decimal string, up to 3 decimals, above 0 (e.g. "10", "0.5"). */
  @Matches(/^(?=.*[1-9])\d{1,12}(\.\d{1,3})?$/, {
    message: 'quantity must be a decimal string above 0 with at most 3 decimals (e.g. "10" or "0.5")',
  })
  quantity!: string;
  /** LIEU_DUNG, e.g. "1 viên x 2 lần/ngày". */
  @IsString() @IsNotEmpty() @MaxLength(500) dosage!: string;
  /** CACH_DUNG, e.g. "Uống sau ăn". */
  @IsOptional() @IsString() @MaxLength(1000) instructions?: string;
  /** Days of supply (TT 26/2025: at most 90, the App. VII chronic-disease limit). */
  @IsInt() @Min(1) @Max(MAX_SUPPLY_DAYS) days!: number;
}

export class PrescriptionDto {
  /**
   * The type letter of the national code: c ordinary (default), n narcotic, h psychotropic or precursor,
   * t decoction. Either case is accepted.
   */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsIn(PRESCRIPTION_TYPE_LETTERS, { message: `type must be one of ${PRESCRIPTION_TYPE_LETTERS.join(', ')}` })
  type?: PrescriptionTypeLetter;
  /** The prescribing clinician; the caller (the token's subject) when absent. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) prescriberId?: string;
  /** Diagnosis as written on the prescription (ICD-10 code and text). */
  @IsOptional() @IsString() @MaxLength(2000) diagnosis?: string;
  /** LOI_DAN: advice to the patient. */
  @IsOptional() @IsString() @MaxLength(2000) advice?: string;
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PrescriptionItemDto)
  items!: PrescriptionItemDto[];
}

import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
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
import {
  DELTA_MODES,
  type DeltaMode,
  RANGE_SEXES,
  type RangeSex,
  VALUE_TYPES,
  type ValueType,
} from '../domain/test-definition';

const DECIMAL = /^-?\d{1,12}(\.\d{1,6})?$/;
const DECIMAL_MESSAGE = 'must be a decimal number, e.g. "3.9" (a JSON number is taken too)';
/** Limits travel as decimal strings (no binary rounding); a JSON number is accepted and turned into one. */
const ToDecimalText = () =>
  Transform(({ value }) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : value));
const Decimal = (field: string) => Matches(DECIMAL, { message: `${field} ${DECIMAL_MESSAGE}` });

export class ReferenceRangeDto {
  @IsOptional() @IsIn(RANGE_SEXES) sex: RangeSex = 'any';
  /** Age band in days at the observation: [ageFromDays, ageToDays); e.g. adults = 6575 (18 years) to none. */
  @IsOptional() @IsInt() @Min(0) ageFromDays = 0;
  @IsOptional() @IsInt() @Min(1) ageToDays: number | null = null;
  @IsOptional() @ToDecimalText() @Decimal('low') low: string | null = null;
  @IsOptional() @ToDecimalText() @Decimal('high') high: string | null = null;
}

export class DeltaCheckDto {
  @IsIn(DELTA_MODES) mode!: DeltaMode;
  @ToDecimalText()
  @Matches(/^\d{1,12}(\.\d{1,6})?$/, { message: 'limit must be a non-negative decimal' })
  limit!: string;
  @IsOptional() @IsInt() @Min(1) @Max(3650) withinDays: number | null = null;
}

export class AutoVerificationDto {
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'code must be 1-50 letters, digits, . _ -' }) code!: string;
  @IsOptional() @ToDecimalText() @Decimal('low') low: string | null = null;
  @IsOptional() @ToDecimalText() @Decimal('high') high: string | null = null;
  @IsOptional()
  @ValidateNested()
  @Type(() => DeltaCheckDto)
  delta: DeltaCheckDto | null = null;
  @IsOptional() @IsBoolean() allowAbnormal = false;
}

export class TestDefinitionDto {
  /** The HIS service catalogue code the orders name. */
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'serviceCode must be 1-50 letters, digits, . _ -' })
  serviceCode!: string;
  @IsString() @IsNotEmpty() @MaxLength(255) name!: string;
  @IsOptional()
  @Matches(/^\d{1,7}-\d$/, { message: 'loinc must look like 2345-7' })
  loinc: string | null = null;
  /** HL7 table 0487 specimen type, e.g. SER, BLD, PLAS, UR. */
  @Matches(/^[A-Z]{2,10}$/, { message: 'specimenType must be an HL7 table 0487 code such as SER' })
  specimenType!: string;
  /** The tube / container, e.g. SST, EDTA, CITRATE, FLUORIDE. */
  @Matches(/^[A-Za-z0-9._-]{1,30}$/, { message: 'containerType must be 1-30 letters, digits, . _ -' })
  containerType!: string;
  @IsOptional() @IsIn(VALUE_TYPES) valueType: ValueType = 'numeric';
  /** UCUM, e.g. mmol/L, g/L, 10*9/L, %. Required for numeric tests. */
  @IsOptional()
  @Matches(/^\S{1,50}$/, { message: 'unit must be a UCUM unit without spaces, e.g. mmol/L' })
  unit: string | null = null;
  @IsOptional() @IsInt() @Min(0) @Max(6) decimals = 2;
  @IsOptional()
  @ToDecimalText()
  @Decimal('criticalLow')
  criticalLow: string | null = null;
  @IsOptional()
  @ToDecimalText()
  @Decimal('criticalHigh')
  criticalHigh: string | null = null;
  @IsOptional()
  @ValidateNested()
  @Type(() => AutoVerificationDto)
  autoVerification: AutoVerificationDto | null = null;
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReferenceRangeDto)
  referenceRanges: ReferenceRangeDto[] = [];
  @IsOptional() @IsBoolean() active = true;
}

export class TestDefinitionsDto {
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => TestDefinitionDto)
  items!: TestDefinitionDto[];
}

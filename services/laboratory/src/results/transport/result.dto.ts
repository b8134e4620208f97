import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ToInt } from '../../shared/transport/dto';
import { HOLD_REASONS, RESULT_STATUSES, type ResultStatus } from '../domain/result';
import type { HeldStatus } from '../persistence/held-results.repository';

export class ResultQueryDto {
  /** Without a status: the latest version of every result. */
  @IsOptional() @IsIn(RESULT_STATUSES) status?: ResultStatus;
  @IsOptional() @IsString() @MaxLength(64) barcode?: string;
  @IsOptional() @IsString() @MaxLength(64) patientId?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class CorrectResultDto {
  @IsString() @IsNotEmpty() @MaxLength(200) value!: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

export class HeldResultQueryDto {
  @IsOptional() @IsIn(['held', 'resolved', 'discarded']) status?: HeldStatus;
  @IsOptional() @IsIn(Object.keys(HOLD_REASONS)) reasonCode?: string;
  @IsOptional() @IsString() @MaxLength(64) specimenId?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class ResolveHeldResultDto {
  /** The specimen barcode to attach to (default: the barcode the analyzer sent). */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) specimenId?: string;
  /** The test's service code (default: the code map's). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,50}$/, { message: 'serviceCode must be 1-50 letters, digits, . _ -' })
  serviceCode?: string;
  /** A value converted by hand, with its unit (for a result held for its unit). */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) value?: string;
  @IsOptional() @IsString() @MaxLength(50) unit?: string;
}

export class DiscardHeldResultDto {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

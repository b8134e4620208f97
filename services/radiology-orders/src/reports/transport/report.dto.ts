import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ToInt } from '../../shared/transport/dto';
import { REPORT_STATUSES, type ReportStatus } from '../domain/report';

export class CreateReportDto {
  @IsString() @IsNotEmpty() @MaxLength(100_000) findings!: string;
  @IsOptional() @IsString() @MaxLength(20_000) impression?: string;
  /** Flags the report critical with this finding: CriticalFindingRaised at once. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1000) criticalFinding?: string;
}

export class UpdateReportDto extends CreateReportDto {
  /** The report's version the radiologist edited (409 VERSION_CONFLICT when stale). */
  @IsInt() @Min(1) version!: number;
}

export class ReportStepDto {
  /** When given, the version the step applies to (409 VERSION_CONFLICT when stale). */
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class AddendumDto {
  @IsString() @IsNotEmpty() @MaxLength(100_000) addendum!: string;
  @IsOptional() @IsString() @MaxLength(20_000) impression?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1000) criticalFinding?: string;
}

export class CriticalFindingDto {
  /** What the clinician must be told, e.g. "acute subdural haematoma, midline shift 8 mm". */
  @IsString() @IsNotEmpty() @MaxLength(1000) finding!: string;
}

export class ReportQueryDto {
  @IsOptional() @IsIn(REPORT_STATUSES) status?: ReportStatus;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

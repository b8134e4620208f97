import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AE_TITLE, MODALITY } from '../../shared/domain/dicom';
import { ToInt } from '../../shared/transport/dto';
import { PROCEDURE_STATUSES, type ProcedureStatus } from '../domain/procedure';

export class ProcedureQueryDto {
  @IsOptional() @IsIn(PROCEDURE_STATUSES) status?: ProcedureStatus;
  @IsOptional()
  @Matches(MODALITY, { message: 'modality must be a DICOM modality code, e.g. CT' })
  modality?: string;
  /** The facility day (UTC+7) of the scheduled start, e.g. the day's worklist. */
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'date must be YYYY-MM-DD' })
  date?: string;
  @IsOptional()
  @Matches(AE_TITLE, { message: 'stationAeTitle must be a DICOM AE title' })
  stationAeTitle?: string;
  @IsOptional() @IsString() @MaxLength(64) patientId?: string;
  @IsOptional() @IsString() @MaxLength(16) accessionNumber?: string;
  @IsOptional() @IsString() @MaxLength(64) orderId?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class RescheduleDto {
  /** Another station (of the procedure's modality). */
  @IsOptional()
  @Matches(AE_TITLE, { message: 'stationAeTitle must be a DICOM AE title' })
  stationAeTitle?: string;
  /** The new start; default: the station's next free slot. */
  @IsOptional() @Type(() => Date) @IsDate() scheduledStart?: Date;
  /** The procedure's version the user saw (optimistic locking: 409 VERSION_CONFLICT when stale). */
  @IsInt() @Min(1) version!: number;
}

export class CancelProcedureDto {
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export class ExternalReportDto {
  @IsString() @IsNotEmpty() @MaxLength(100_000) findings!: string;
  @IsOptional() @IsString() @MaxLength(20_000) impression?: string;
  /** The radiologist who signed it in the outside system. */
  @IsString() @IsNotEmpty() @MaxLength(64) radiologistId!: string;
  /** When it was signed there (OBR-22 / OBX-14); default now. */
  @IsOptional() @Type(() => Date) @IsDate() signedAt?: Date;
  /** The outside system's report id (e.g. OBR-3 filler order number + OBR-25 sequence, or MSH-10). */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) externalId?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(1000) criticalFinding?: string;
}

export class MppsQueryDto {
  /** false: the reports that matched no procedure (unscheduled acquisitions, typed accession numbers). */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  matched?: boolean;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

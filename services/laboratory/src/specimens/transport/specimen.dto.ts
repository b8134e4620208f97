import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ToInt } from '../../shared/transport/dto';
import { SPECIMEN_STATUSES, type SpecimenStatus } from '../domain/specimen';

export class CollectDto {
  /** When the specimen was drawn; default now. */
  @IsOptional() @Type(() => Date) @IsDate() collectedAt?: Date;
}

export class ReceiveDto {
  /** When the tube arrived in the lab; default now. */
  @IsOptional() @Type(() => Date) @IsDate() receivedAt?: Date;
  /** For a tube received without a collection scan: when it was drawn (default: the receipt time). */
  @IsOptional() @Type(() => Date) @IsDate() collectedAt?: Date;
}

export class RejectDto {
  /** Why (HL7 table 0490 specimen reject reason in words): haemolysed, clotted, quantity not sufficient... */
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
  /** Move the tests to a new labelled tube (default true). */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  recollect?: boolean;
}

export class SpecimenQueryDto {
  @IsOptional() @IsIn(SPECIMEN_STATUSES) status?: SpecimenStatus;
  @IsOptional() @IsString() @MaxLength(64) patientId?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

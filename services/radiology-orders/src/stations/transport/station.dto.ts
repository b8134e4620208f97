import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AE_TITLE, MODALITY } from '../../shared/domain/dicom';

export class StationDto {
  /** (0040,0001) Scheduled Station AE Title: the modality's own AE title (DICOM AE: 1-16 characters, no "\"). */
  @Matches(AE_TITLE, {
    message: 'aeTitle must be a DICOM AE title: 1-16 printable characters, no backslash, no edge spaces',
  })
  aeTitle!: string;
  /** (0040,0010) Scheduled Station Name (DICOM SH: at most 16 characters). */
  @Matches(/^[^\\\p{Cc}]{1,16}$/u, {
    message: 'name must be a DICOM SH: 1-16 characters, no backslash or control characters',
  })
  name!: string;
  /** (0008,0060) Modality the station performs, e.g. CT, MR, US, DX, CR, MG. */
  @Matches(MODALITY, { message: 'modality must be a DICOM modality code of 2-4 capitals, e.g. CT' })
  modality!: string;
  /** The department it belongs to (the HIS performing department code, MA_KHOA); orders of that department go to it first. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,20}$/, { message: 'departmentCode must be 1-20 letters, digits, . _ -' })
  departmentCode: string | null = null;
  /** Length of one procedure step on the station, in minutes (the slot grid). */
  @IsOptional() @IsInt() @Min(1) @Max(480) slotMinutes = 15;
  @IsOptional() @IsBoolean() active = true;
}

export class StationsDto {
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => StationDto)
  items!: StationDto[];
}

export class StationQueryDto {
  @IsOptional()
  @Matches(MODALITY, { message: 'modality must be a DICOM modality code, e.g. CT' })
  modality?: string;
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

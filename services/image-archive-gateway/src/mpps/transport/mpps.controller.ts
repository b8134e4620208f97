import { Access } from '@hosp/platform-auth';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { MppsService } from '../application/mpps.service';
import { MPPS_STATUSES, type MppsStatus } from '../domain/mpps';

export class MppsQueryDto {
  @IsOptional() @IsString() accessionNumber?: string;
  @IsOptional() @IsIn(MPPS_STATUSES) status?: MppsStatus;
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** Performed procedure steps as the modalities reported them (attributes as DICOM JSON). */
@ApiTags('mpps')
@Access({
  read: ['radiographer', 'radiologist', 'integration-admin'],
  write: ['radiographer', 'integration-admin'],
})
@Controller('mpps')
export class MppsController {
  constructor(private readonly mpps: MppsService) {}

  @Get()
  list(@Query() q: MppsQueryDto) {
    return this.mpps.list(q);
  }

  @Get(':uid')
  get(@Param('uid') uid: string) {
    return this.mpps.get(uid);
  }
}

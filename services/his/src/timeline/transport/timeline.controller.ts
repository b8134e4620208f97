import { Access } from '@hosp/platform-auth';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ToInt } from '../../shared/transport/dto';
import { TimelineService } from '../application/timeline.service';
import { TIMELINE_KINDS, type TimelineKind } from '../persistence/timeline.repository';

export class TimelineQueryDto {
  @IsOptional() @IsUUID('4') encounterId?: string;
  /** Comma-separated kinds, e.g. "lab-result,imaging-report". */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',') : value))
  @IsIn(TIMELINE_KINDS, { each: true })
  kinds?: TimelineKind[];
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(5000) limit?: number;
}

@ApiTags('timeline')
@Access({ read: ['physician', 'nurse'], write: ['physician'] })
@Controller()
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  /** Every order, result, report, prescription and document of the patient (and merged records), in time order. */
  @Get('patients/:id/timeline')
  forPatient(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string, @Query() q: TimelineQueryDto) {
    return this.timeline.forPatient(id, q);
  }
}

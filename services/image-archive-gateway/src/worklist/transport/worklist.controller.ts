import { Access } from '@hosp/platform-auth';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Transform } from 'class-transformer';
import { WorklistService } from '../application/worklist.service';
import type { WorklistStatus } from '../domain/worklist-item';

export class WorklistQueryDto {
  @IsOptional()
  @IsIn(['scheduled', 'in_progress', 'completed', 'discontinued', 'cancelled'])
  status?: WorklistStatus;
  @IsOptional() @IsString() accessionNumber?: string;
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** The worklist projection as the archive holds it (what modalities see over C-FIND), for support staff. */
@ApiTags('worklist')
@Access({ read: ['radiographer', 'integration-admin'], write: ['integration-admin'] })
@Controller('worklist')
export class WorklistController {
  constructor(private readonly worklist: WorklistService) {}

  @Get()
  list(@Query() q: WorklistQueryDto) {
    return this.worklist.list(q);
  }
}

import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { NotFoundError } from '@hosp/platform-runtime';
import { DataSource } from 'typeorm';
import { ForwardRepository, type ForwardStatus } from '../persistence/forward.repository';

export class ForwardQueryDto {
  @IsOptional() @IsIn(['queued', 'sent', 'parked']) status?: ForwardStatus;
  @IsOptional() @IsString() destination?: string;
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;
}

export class RequeueDto {
  @IsString() destination!: string;
}

/** The forwarding queue to the downstream PACS: what is waiting, sent or parked, and requeueing parked rows. */
@ApiTags('forwarding')
@Access({ read: ['integration-admin'], write: ['integration-admin'] })
@Controller('forwarding')
export class ForwardingController {
  constructor(private readonly db: DataSource) {}

  @Get()
  list(@Query() q: ForwardQueryDto) {
    return ForwardRepository.list(this.db.manager, { ...q, limit: q.limit ?? 500 });
  }

  @Post(':id/requeue')
  @HttpCode(200)
  async requeue(@Param('id') id: string) {
    if (!/^\d+$/.test(id) || (await ForwardRepository.requeue(this.db.manager, { id })) === 0)
      throw new NotFoundError('Parked forwarding', id);
    return { requeued: 1 };
  }

  /** Requeues every parked instance of a destination (after the PACS came back, say). */
  @Post('requeue')
  @HttpCode(200)
  async requeueDestination(@Body() body: RequeueDto) {
    return { requeued: await ForwardRepository.requeue(this.db.manager, { destination: body.destination }) };
  }
}

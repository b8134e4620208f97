import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Ctx, InvalidRequestError, type RequestContext } from '@hosp/platform-runtime';
import { ReconciliationService } from '../application/reconciliation.service';
import type { ReconciliationState } from '../persistence/studies.repository';

const ToInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

export class StudyQueryDto {
  @IsOptional() @IsIn(['pending', 'reconciled', 'held', 'resolved']) reconciliation?: ReconciliationState;
  @IsOptional() @IsString() accessionNumber?: string;
  @IsOptional() @IsString() patientId?: string;
  @IsOptional() @ToInt() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class ResolveDto {
  /** The procedure (RIS procedure id, from the worklist) the study belongs to. */
  @IsString() @IsNotEmpty() @MaxLength(128) procedureId!: string;
  @IsString() @IsNotEmpty() @MaxLength(500) reason!: string;
}

/** Received studies with their reconciliation state; held studies and their manual resolution. */
@ApiTags('studies')
@Access({
  read: ['radiologist', 'radiographer', 'physician', 'integration-admin'],
  write: ['radiographer', 'radiologist', 'integration-admin'],
})
@Controller()
export class StudiesController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get('studies')
  list(@Query() q: StudyQueryDto) {
    return this.reconciliation.list(q);
  }

  @Get('studies/:uid')
  get(@Param('uid') uid: string) {
    return this.reconciliation.get(uid);
  }

  /** Studies that could not be linked to their order, oldest first, with the reasons. */
  @Get('held-studies')
  held(@Query() q: StudyQueryDto) {
    return this.reconciliation.list({ ...q, reconciliation: 'held' });
  }

  /** Links a held study to a procedure, with the reason; StudyReceived follows on pacs.study.v1. */
  @Post('held-studies/:uid/resolve')
  @HttpCode(200)
  resolve(@Param('uid') uid: string, @Body() body: ResolveDto, @Ctx() ctx: RequestContext) {
    if (!ctx.actorId)
      throw InvalidRequestError.field('x-actor-id', 'the acting user is required (the token has no subject)');
    return this.reconciliation.resolve(uid, body.procedureId, body.reason, ctx.actorId, ctx);
  }
}

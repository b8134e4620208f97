import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { requireActor } from '../../shared/transport/dto';
import { HeldResultsService } from '../application/held-results.service';
import { DiscardHeldResultDto, HeldResultQueryDto, ResolveHeldResultDto } from './result.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('held results')
@Access({ read: ['lab-technician', 'lab-validator'], write: ['lab-technician', 'lab-validator'] })
@Controller('held-results')
export class HeldResultsController {
  constructor(private readonly held: HeldResultsService) {}

  /** Analyzer results LIS could not attach, with the reason (default: those still held). */
  @Get()
  list(@Query() q: HeldResultQueryDto) {
    return this.held.list(q);
  }

  @Get(':id')
  get(@Param('id', Uuid) id: string) {
    return this.held.get(id);
  }

  /**
   * Attaches a held result to a specimen's test (the same checks as an analyzer result; 422 with the hold
   * reason code when they still fail). The result then waits for technical and medical validation.
   */
  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param('id', Uuid) id: string, @Body() body: ResolveHeldResultDto, @Ctx() ctx: RequestContext) {
    return this.held.resolve(id, body, requireActor(ctx), ctx);
  }

  @Post(':id/discard')
  @HttpCode(200)
  discard(@Param('id', Uuid) id: string, @Body() body: DiscardHeldResultDto, @Ctx() ctx: RequestContext) {
    return this.held.discard(id, body.reason, requireActor(ctx));
  }
}

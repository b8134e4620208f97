import { Access } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { requireActor } from '../../shared/transport/dto';
import { ReportsService } from '../application/reports.service';
import {
  AddendumDto,
  CriticalFindingDto,
  ReportQueryDto,
  ReportStepDto,
  UpdateReportDto,
} from './report.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('reports')
@Access({ read: ['radiologist', 'physician', 'radiographer'], write: ['radiologist'] })
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Reading work lists, e.g. `?status=draft` (critical first). */
  @Get()
  list(@Query() q: ReportQueryDto) {
    return this.reports.list(q);
  }

  @Get(':id')
  get(@Param('id', Uuid) id: string) {
    return this.reports.get(id);
  }

  /** Replaces the text of a draft or preliminary report; `version` is required (409 VERSION_CONFLICT). */
  @Put(':id')
  update(@Param('id', Uuid) id: string, @Body() body: UpdateReportDto, @Ctx() ctx: RequestContext) {
    return this.reports.update(id, body, requireActor(ctx), ctx);
  }

  @Post(':id/preliminary')
  @HttpCode(200)
  preliminary(@Param('id', Uuid) id: string, @Body() body: ReportStepDto, @Ctx() ctx: RequestContext) {
    return this.reports.makePreliminary(id, body.version, requireActor(ctx));
  }

  /** Signs the report (the actor is the signing radiologist): ReportFinalized, the procedure REPORTED. */
  @Post(':id/finalize')
  @HttpCode(200)
  finalize(@Param('id', Uuid) id: string, @Body() body: ReportStepDto, @Ctx() ctx: RequestContext) {
    return this.reports.finalize(id, body.version, requireActor(ctx), ctx);
  }

  /** An addendum to a final report: a new final report, ReportFinalized with amended = true. */
  @Post(':id/addendum')
  addendum(@Param('id', Uuid) id: string, @Body() body: AddendumDto, @Ctx() ctx: RequestContext) {
    return this.reports.addendum(id, body, requireActor(ctx), ctx);
  }

  /** Flags a critical finding on any live report: CriticalFindingRaised at once. */
  @Post(':id/critical-finding')
  @HttpCode(200)
  critical(@Param('id', Uuid) id: string, @Body() body: CriticalFindingDto, @Ctx() ctx: RequestContext) {
    return this.reports.raiseCritical(id, body.finding, requireActor(ctx), ctx);
  }
}

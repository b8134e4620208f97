import { Access, Roles } from '@hosp/platform-auth';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, type RequestContext } from '@hosp/platform-runtime';
import { ReportsService } from '../../reports/application/reports.service';
import { CreateReportDto } from '../../reports/transport/report.dto';
import { requireActor } from '../../shared/transport/dto';
import { ProceduresService } from '../application/procedures.service';
import {
  CancelProcedureDto,
  ExternalReportDto,
  MppsQueryDto,
  ProcedureQueryDto,
  RescheduleDto,
} from './procedure.dto';

const Uuid = new ParseUUIDPipe({ version: '4' });

@ApiTags('procedures')
@Access({ read: ['radiographer', 'radiologist', 'physician'], write: ['radiographer', 'radiologist'] })
@Controller()
export class ProceduresController {
  constructor(
    private readonly procedures: ProceduresService,
    private readonly reports: ReportsService,
  ) {}

  /** Work lists, e.g. `?modality=CT&date=2026-11-22&status=scheduled` (by scheduled start). */
  @Get('procedures')
  list(@Query() q: ProcedureQueryDto) {
    return this.procedures.list(q);
  }

  /** A procedure with its patient, station, study, the MPPS received and its reports. */
  @Get('procedures/:id')
  get(@Param('id', Uuid) id: string) {
    return this.procedures.get(id);
  }

  /**
   * Another station and/or start (or the first schedule of a procedure waiting for a station): ProcedureScheduled
   * again. `version` is required (409 VERSION_CONFLICT when stale); 409 once the procedure has started.
   */
  @Post('procedures/:id/reschedule')
  @HttpCode(200)
  reschedule(@Param('id', Uuid) id: string, @Body() body: RescheduleDto, @Ctx() ctx: RequestContext) {
    return this.procedures.reschedule(id, body, requireActor(ctx), ctx);
  }

  /** Cancels a procedure not yet started: ProcedureCancelled. */
  @Post('procedures/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id', Uuid) id: string, @Body() body: CancelProcedureDto, @Ctx() ctx: RequestContext) {
    return this.procedures.cancel(id, body, requireActor(ctx), ctx);
  }

  @Get('procedures/:id/reports')
  reportsOf(@Param('id', Uuid) id: string) {
    return this.reports.forProcedure(id);
  }

  /** A draft report on a performed procedure (409 NOT_PERFORMED before any MPPS or study). */
  @Roles('radiologist')
  @Post('procedures/:id/reports')
  createReport(@Param('id', Uuid) id: string, @Body() body: CreateReportDto, @Ctx() ctx: RequestContext) {
    return this.reports.createDraft(id, body, requireActor(ctx), ctx);
  }

  /**
   * A final report from an outside RIS/PACS (e.g. its ORU^R01 through the integration gateway): ReportFinalized,
   * the procedure REPORTED. The same `externalId` again returns the report already taken.
   */
  @Roles('integration-admin', 'service')
  @Post('procedures/:id/external-report')
  external(@Param('id', Uuid) id: string, @Body() body: ExternalReportDto, @Ctx() ctx: RequestContext) {
    return this.reports.external(id, body, ctx);
  }

  /** The MPPS reports received, e.g. `?matched=false` for those that matched no procedure. */
  @Get('mpps')
  mpps(@Query() q: MppsQueryDto) {
    return this.procedures.listMpps(q);
  }
}

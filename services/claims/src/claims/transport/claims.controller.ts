import { Access, Roles } from '@hosp/platform-auth';
import { Ctx, InvalidRequestError, NotFoundError, type RequestContext } from '@hosp/platform-runtime';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DataSource } from 'typeorm';
import { SubmissionsRepository } from '../../submission/persistence/submissions.repository';
import { ClaimsService } from '../application/claims.service';
import { FacilitySigner } from '../application/facility-signer';

const Uuid = new ParseUUIDPipe({ version: '4' });

export class ClaimSearchDto {
  @IsOptional() @IsIn(['invalid', 'queued', 'submitted', 'rejected', 'parked', 'superseded']) status?: string;
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsString() @MaxLength(100) patientId?: string;
  @IsOptional() @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM' }) month?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) offset?: number;
}

export class ResubmitDto {
  @IsString() @MinLength(3) @MaxLength(500) reason!: string;
}

/** The claims API: search, a claim's tables, validation report, signed XML and history; resubmission; export. */
@ApiTags('claims')
@Access({
  read: ['billing-clerk', 'insurance-officer', 'auditor', 'integration-admin'],
  write: ['billing-clerk', 'insurance-officer'],
})
@Controller()
export class ClaimsController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly signer: FacilitySigner,
    private readonly db: DataSource,
  ) {}

  @Get('claims')
  search(@Query() q: ClaimSearchDto) {
    return this.claims.search({
      status: q.status,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      patientId: q.patientId,
      month: q.month,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
  }

  @Get('claims/:id')
  get(@Param('id', Uuid) id: string) {
    return this.claims.get(id);
  }

  @Get('claims/:id/tables')
  tables(@Param('id', Uuid) id: string) {
    return this.claims.tables(id);
  }

  /** The validation report: every error located by table, row and field, with the reason. */
  @Get('claims/:id/validation')
  async validation(@Param('id', Uuid) id: string) {
    const c = await this.claims.get(id);
    return {
      claimId: c.id,
      version: c.version,
      layoutVersion: c.layoutVersion,
      valid: c.errors.length === 0,
      errors: c.errors,
    };
  }

  /** The exact signed GIAMDINHHS bytes that were (or will be) sent. */
  @Get('claims/:id/xml')
  async xml(@Param('id', Uuid) id: string, @Res({ passthrough: true }) res: ServerResponse) {
    const xml = await this.claims.envelope(id);
    // Set only on success: an error keeps the platform's JSON error body and type.
    res.setHeader('content-type', 'application/xml; charset=utf-8');
    return xml;
  }

  @Get('claims/:id/history')
  history(@Param('id', Uuid) id: string) {
    return this.claims.history(id);
  }

  @Post('claims/:id/resubmit')
  @HttpCode(201)
  resubmit(@Param('id', Uuid) id: string, @Body() body: ResubmitDto, @Ctx() ctx: RequestContext) {
    return this.claims.resubmit(id, body.reason, ctx);
  }

  @Get('encounters/:encounterId/claim')
  async forEncounter(@Param('encounterId') encounterId: string) {
    const c = await this.claims.latestForEncounter(encounterId);
    if (!c) throw new NotFoundError('Claim of encounter', encounterId);
    return c;
  }

  /**
   * The month's claims (the newest sent version of each episode settled in it) with their totals and signed
   * XML, for the facility's monthly settlement with BHXH (TT 48/2017 Art. 7).
   */
  @Get('exports/monthly/:month')
  async monthly(@Param('month') month: string) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw InvalidRequestError.field('month', 'must be YYYY-MM');
    const rows = await this.claims.month(month);
    const sum = (k: string) => rows.reduce((a, r) => a + Math.round(Number(r.totals[k] ?? 0) * 100), 0) / 100;
    return {
      month,
      count: rows.length,
      totals: { hospital: sum('hospital'), insurance: sum('insurance'), insurerPays: sum('insurerPays') },
      claims: rows.map(({ envelopeXml, ...c }) => ({
        ...c,
        envelopeBase64: envelopeXml ? Buffer.from(envelopeXml, 'utf8').toString('base64') : null,
      })),
    };
  }

  @Post('submissions/:id/requeue')
  @HttpCode(202)
  async requeue(@Param('id', Uuid) id: string) {
    if (!(await SubmissionsRepository.requeue(this.db.manager, id)))
      throw new NotFoundError('Parked submission', id);
    return { requeued: id };
  }

  /** The certificate claims are signed with, to register on the BHXH portal (Danh mục chứng thư số, §1.3). */
  @Roles('integration-admin', 'insurance-officer', 'billing-clerk')
  @Get('signing/certificate')
  @Header('content-type', 'application/x-pem-file')
  certificate() {
    return this.signer.certificatePem;
  }
}

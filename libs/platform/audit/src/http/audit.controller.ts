import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '@hosp/platform-auth';
import type { IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { AUDIT_SOURCE } from '../audit-source';
import type { ChainVerification } from '../chain/verify';
import type { AuditEvent, Bundle } from '../export/fhir-r4';
import { type AuditSource, toSearchsetBundle } from '../export/fhir-audit-event';
import { type AuditAction, type ChainedAuditRecord, parseAuditAction } from '../model/audit-record';
import { AuditTrail } from '../recording/audit-trail';
import { type AuditSearch, searchRecords, verifyStoredChain } from '../store/audit-store';
import { AuditQueryDto } from './audit-query.dto';

/**
 * The auditor's view of this service's trail: search, FHIR export and chain verification. Reading the trail
 * is itself recorded (DICOM 110101 Audit Log Used). Each call first writes what is still queued, so a
 * search sees every request answered before it.
 */
@ApiTags('audit')
// TT 13/2025: the trail is read by auditors, and by no one else (not even the service's own administrators).
@Roles('auditor')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
    @Inject(AUDIT_SOURCE) private readonly source: AuditSource,
  ) {}

  /** `?patientId=&actor=&from=&to=&action=&limit=&offset=`, newest first (limit 100 by default, 1000 at most). */
  @Get('events')
  async events(
    @Query() q: AuditQueryDto,
  ): Promise<{ items: ChainedAuditRecord[]; limit: number; offset: number }> {
    const search = toSearch(q);
    await this.trail.flush();
    return {
      items: await searchRecords(this.dataSource, search),
      limit: search.limit,
      offset: search.offset,
    };
  }

  /** The same search as a FHIR R4 searchset Bundle of AuditEvent resources. */
  @Get('events.fhir')
  @Header('Content-Type', 'application/fhir+json')
  async fhir(@Query() q: AuditQueryDto, @Req() req: IncomingMessage): Promise<Bundle<AuditEvent>> {
    const search = toSearch(q);
    await this.trail.flush();
    const records = await searchRecords(this.dataSource, search);
    // Express's req.protocol honours the app's `trust proxy` setting (https behind a TLS proxy).
    const scheme = (req as IncomingMessage & { protocol?: string }).protocol ?? 'http';
    return toSearchsetBundle(
      records,
      this.source,
      `${scheme}://${req.headers.host ?? 'localhost'}${req.url}`,
    );
  }

  /** Walks the whole hash chain: `{ ok, checked, headSeq, headHash }` or `{ ok: false, firstBrokenSeq, reason }`. */
  @Get('verify')
  async verify(): Promise<ChainVerification> {
    await this.trail.flush();
    return verifyStoredChain(this.dataSource);
  }
}

function toSearch(q: AuditQueryDto): AuditSearch {
  return {
    patientId: q.patientId,
    actor: q.actor,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    action: q.action ? (parseAuditAction(q.action) as AuditAction) : undefined,
    limit: q.limit ?? 100,
    offset: q.offset ?? 0,
  };
}

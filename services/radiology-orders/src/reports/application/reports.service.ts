import { randomUUID } from 'node:crypto';
import { CriticalFindingRaisedSchema, ReportFinalizedSchema, Topics } from '@hosp/contracts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  VersionConflictError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ProceduresService } from '../../procedures/application/procedures.service';
import { type ProcedureRow, ProceduresRepository } from '../../procedures/persistence/procedures.repository';
import { RisEvents, ts } from '../../shared/application/outbox';
import { addendumFindings, allowsReport, type ReportAction, type ReportStatus } from '../domain/report';
import { type NewReport, type ReportRow, ReportsRepository as repo } from '../persistence/reports.repository';

export interface DraftInput {
  findings: string;
  impression?: string | null;
  /** Flags the report critical with this finding: CriticalFindingRaised at once. */
  criticalFinding?: string | null;
}

export interface AddendumInput {
  addendum: string;
  /** A new impression (default: the amended report's). */
  impression?: string | null;
  criticalFinding?: string | null;
}

/** A final report from an outside RIS/PACS (the gateway's ORU^R01, or a person copying it). */
export interface ExternalReportInput {
  findings: string;
  impression?: string | null;
  radiologistId: string;
  signedAt?: Date;
  /** The outside system's report id: the same report sent twice is taken once. */
  externalId?: string | null;
  criticalFinding?: string | null;
}

/** A signing time given by the caller may lie in the future by clock skew at most. */
const SKEW_MS = 5 * 60_000;

/**
 * Radiology reports (the radiologist's half of ARCHITECTURE flow 3): draft -> preliminary -> final, signed by the
 * radiologist who finalizes it (who and when recorded); only a final report leaves RIS (ReportFinalized), and its
 * procedure is then REPORTED. An addendum to a final report is a new final report that amends it, emitted again
 * with amended = true. A critical finding is raised at once on any report state (CriticalFindingRaised). Reports
 * from an outside RIS arrive final (POST /procedures/:id/external-report). Locks: the procedure, then the report.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly db: DataSource,
    private readonly events: RisEvents,
    private readonly procedures: ProceduresService,
  ) {}

  /** A draft for a performed procedure; 409 when it already has a live report (edit it, or add an addendum). */
  createDraft(
    procedureId: string,
    input: DraftInput,
    actor: string,
    ctx: RequestContext,
  ): Promise<ReportRow> {
    return this.db.transaction(async (m) => {
      const p = await this.procedures.lockFor(m, procedureId, 'report');
      const at = new Date();
      const id = randomUUID();
      const critical = input.criticalFinding ? { finding: input.criticalFinding, at, by: actor } : null;
      await this.insertIn(m, p, {
        id,
        procedureId,
        status: 'draft',
        source: 'ris',
        findings: input.findings,
        impression: input.impression ?? null,
        addendum: null,
        critical,
        author: actor,
        signed: null,
        amends: null,
        externalId: null,
      });
      const r = (await repo.get(m, id))!;
      if (critical) await this.criticalIn(m, p, r, critical.finding, actor, at, ctx);
      return r;
    });
  }

  /** Replaces the text of a draft or preliminary report (optimistic locking: the version edited). */
  update(
    id: string,
    input: DraftInput & { version: number },
    actor: string,
    ctx: RequestContext,
  ): Promise<ReportRow> {
    return this.db.transaction(async (m) => {
      const { p, r } = await this.lockFor(m, id, 'edit', input.version);
      await repo.edit(m, id, { findings: input.findings, impression: input.impression ?? null });
      if (input.criticalFinding) await this.flagIn(m, p, r, input.criticalFinding, actor, ctx);
      return (await repo.get(m, id))!;
    });
  }

  /** A preliminary report (the resident's read): recorded with who and when; not sent out until final. */
  makePreliminary(id: string, version: number | undefined, actor: string): Promise<ReportRow> {
    return this.db.transaction(async (m) => {
      await this.lockFor(m, id, 'preliminary', version);
      await repo.makePreliminary(m, id, actor, new Date());
      return (await repo.get(m, id))!;
    });
  }

  /**
   * The radiologist signs: the report is final (signed_by, signed_at), ReportFinalized goes out, and the
   * procedure is REPORTED (ProcedureStatusChanged). A report already final is 409.
   */
  finalize(id: string, version: number | undefined, actor: string, ctx: RequestContext): Promise<ReportRow> {
    return this.db.transaction(async (m) => {
      const { p } = await this.lockFor(m, id, 'finalize', version);
      const at = new Date();
      await repo.sign(m, id, actor, at);
      const r = (await repo.get(m, id))!;
      await this.finalizedIn(m, p, r, ctx);
      return r;
    });
  }

  /**
   * An addendum to the current final report: a new final report (the previous findings and the addendum under a
   * dated heading), signed by the actor, amending the previous one (kept, status amended); ReportFinalized again
   * with amended = true.
   */
  addendum(id: string, input: AddendumInput, actor: string, ctx: RequestContext): Promise<ReportRow> {
    return this.db.transaction(async (m) => {
      const { p, r } = await this.lockFor(m, id, 'addendum');
      const at = new Date();
      const raise =
        input.criticalFinding && input.criticalFinding !== r.criticalFinding ? input.criticalFinding : null;
      const next = randomUUID();
      await repo.markAmended(m, id);
      await this.insertIn(m, p, {
        id: next,
        procedureId: p.id,
        status: 'final',
        source: r.source,
        findings: addendumFindings(r.findings, input.addendum, actor, at),
        impression: input.impression ?? r.impression,
        addendum: input.addendum,
        critical: raise
          ? { finding: raise, at, by: actor }
          : r.critical
            ? { finding: r.criticalFinding!, at: r.criticalRaisedAt ?? at, by: r.criticalRaisedBy ?? actor }
            : null,
        author: actor,
        signed: { by: actor, at },
        amends: id,
        externalId: null,
      });
      const row = (await repo.get(m, next))!;
      if (raise) await this.criticalIn(m, p, row, raise, actor, at, ctx);
      await this.finalizedIn(m, p, row, ctx);
      return row;
    });
  }

  /**
   * Flags a critical finding on a draft, preliminary or final report: CriticalFindingRaised at once. The same
   * finding raised again changes nothing; another finding is raised too.
   */
  raiseCritical(id: string, finding: string, actor: string, ctx: RequestContext): Promise<ReportRow> {
    return this.db.transaction(async (m) => {
      const { p, r } = await this.lockFor(m, id, 'critical-finding');
      await this.flagIn(m, p, r, finding, actor, ctx);
      return (await repo.get(m, id))!;
    });
  }

  /**
   * A final report from an outside RIS/PACS (hospitals that keep theirs: its ORU^R01 through the integration
   * gateway). Signed by the radiologist it names; when the procedure already has a final report this one amends
   * it (a corrected report). 409 while one of RIS's own radiologists has a draft or preliminary report open.
   */
  external(procedureId: string, input: ExternalReportInput, ctx: RequestContext): Promise<ReportRow> {
    const now = new Date();
    if (input.signedAt && input.signedAt.getTime() > now.getTime() + SKEW_MS)
      throw InvalidRequestError.field('signedAt', 'is in the future');
    return this.db.transaction(async (m) => {
      const p = await this.procedures.lockFor(m, procedureId, 'external-report');
      if (input.externalId) {
        const known = await repo.byExternalId(m, input.externalId);
        if (known && known.procedureId !== procedureId)
          throw new ConflictError(
            'EXTERNAL_ID_IN_USE',
            `external report ${input.externalId} belongs to procedure ${known.procedureId}`,
            { procedureId: known.procedureId },
          );
        if (known) return known;
      }
      const live = await repo.liveFor(m, procedureId);
      if (live && live.status !== 'final')
        throw new ConflictError(
          'REPORT_IN_PROGRESS',
          `procedure ${procedureId} has a ${live.status} report ${live.id} open in RIS`,
          { reportId: live.id, status: live.status },
        );
      if (live) await repo.markAmended(m, live.id);
      const id = randomUUID();
      const signedAt = input.signedAt ?? now;
      const critical = input.criticalFinding
        ? { finding: input.criticalFinding, at: now, by: input.radiologistId }
        : null;
      await this.insertIn(m, p, {
        id,
        procedureId,
        status: 'final',
        source: 'external',
        findings: input.findings,
        impression: input.impression ?? null,
        addendum: null,
        critical,
        author: input.radiologistId,
        signed: { by: input.radiologistId, at: signedAt },
        amends: live?.id ?? null,
        externalId: input.externalId ?? null,
      });
      const r = (await repo.get(m, id))!;
      if (critical) await this.criticalIn(m, p, r, critical.finding, input.radiologistId, now, ctx);
      await this.finalizedIn(m, p, r, ctx);
      return r;
    });
  }

  async get(id: string): Promise<ReportRow> {
    const r = await repo.get(this.db.manager, id);
    if (!r) throw new NotFoundError('Report', id);
    return r;
  }

  async forProcedure(procedureId: string): Promise<ReportRow[]> {
    if (!(await ProceduresRepository.get(this.db.manager, procedureId)))
      throw new NotFoundError('Procedure', procedureId);
    return repo.forProcedure(this.db.manager, procedureId);
  }

  /** Reading work lists, e.g. `?status=preliminary` (critical first). */
  list(f: { status?: ReportStatus; limit?: number }): Promise<ReportRow[]> {
    return repo.list(this.db.manager, { status: f.status, limit: Math.min(f.limit ?? 200, 1000) });
  }

  /** The report and its procedure, both locked (procedure first), when the action is allowed. */
  private async lockFor(
    m: EntityManager,
    id: string,
    action: ReportAction,
    version?: number,
  ): Promise<{ p: ProcedureRow; r: ReportRow }> {
    const unlocked = await repo.get(m, id);
    if (!unlocked) throw new NotFoundError('Report', id);
    const p = (await ProceduresRepository.get(m, unlocked.procedureId, true))!;
    const r = (await repo.get(m, id, true))!;
    if (!allowsReport(r.status, action))
      throw new ConflictError('INVALID_TRANSITION', `report ${id} is ${r.status}: cannot ${action}`, {
        status: r.status,
      });
    if (version !== undefined && version !== r.version)
      throw new VersionConflictError('Report', id, version, r.version);
    return { p, r };
  }

  private async insertIn(m: EntityManager, p: ProcedureRow, r: NewReport): Promise<void> {
    if (await repo.insert(m, r)) return;
    const live = await repo.liveFor(m, p.id);
    throw new ConflictError(
      'REPORT_EXISTS',
      `procedure ${p.id} already has a ${live?.status ?? 'live'} report${live ? ` ${live.id}` : ''}: ${
        live?.status === 'final' ? 'add an addendum' : 'edit it'
      }`,
      { reportId: live?.id, status: live?.status },
    );
  }

  private async flagIn(
    m: EntityManager,
    p: ProcedureRow,
    r: ReportRow,
    finding: string,
    actor: string,
    ctx: RequestContext,
  ): Promise<void> {
    if (r.critical && r.criticalFinding === finding) return;
    const at = new Date();
    await repo.flagCritical(m, r.id, { finding, at, by: actor });
    await this.criticalIn(m, p, r, finding, actor, at, ctx);
  }

  /** CriticalFindingRaised at once, whatever the report's state, so the clinician can be called. */
  private async criticalIn(
    m: EntityManager,
    p: ProcedureRow,
    r: ReportRow,
    finding: string,
    actor: string,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.RisProcedure,
      CriticalFindingRaisedSchema,
      {
        reportId: r.id,
        procedureId: p.id,
        orderId: p.orderId,
        patientId: p.patientId,
        accessionNumber: p.accessionNumber,
        finding,
        radiologistId: actor,
        raisedAt: ts(at),
      },
      ctx,
    );
  }

  /** ReportFinalized (amended when it replaces an earlier final report), then the procedure is REPORTED. */
  private async finalizedIn(
    m: EntityManager,
    p: ProcedureRow,
    r: ReportRow,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.RisProcedure,
      ReportFinalizedSchema,
      {
        reportId: r.id,
        procedureId: p.id,
        orderId: p.orderId,
        patientId: p.patientId,
        accessionNumber: p.accessionNumber,
        findings: r.findings,
        impression: r.impression ?? '',
        radiologistId: r.signedBy!,
        amended: r.amends !== null,
        signedAt: ts(r.signedAt!),
      },
      ctx,
    );
    await this.procedures.advanceIn(m, p, 'reported', r.signedAt!, ctx);
  }
}

import { randomUUID } from 'node:crypto';
import { ClaimAssembledSchema, Topics } from '@hosp/contracts';
import { parseDecimal } from '@hosp/standards-bhyt';
import { ConflictError, NotFoundError, type RequestContext } from '@hosp/platform-runtime';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogRepository } from '../../catalog/persistence/catalog.repository';
import {
  type EpisodeRow,
  EpisodesRepository as episodes,
} from '../../episodes/persistence/episodes.repository';
import { CLAIMS_CONFIG, type ClaimsConfig } from '../../shared/application/config';
import { ClaimsEvents, ts } from '../../shared/application/outbox';
import { SubmissionsRepository as submissions } from '../../submission/persistence/submissions.repository';
import { buildClaim } from '../domain/build-claim';
import { awaitedFacts } from '../domain/readiness';
import { type ClaimRow, ClaimsRepository as repo, type ClaimStatus } from '../persistence/claims.repository';
import { FacilitySigner } from './facility-signer';

/**
 * Claim versions of an episode: built when the episode is closed and complete, validated, signed and queued for
 * the gateway; rebuilt in place while invalid (a late fact may fix it); resubmitted as a new version when a clerk
 * corrects a sent one (TT 48/2017 Art. 7, TT 12/2026 Art. 9(3)), the older versions kept.
 */
@Injectable()
export class ClaimsService {
  constructor(
    private readonly db: DataSource,
    private readonly events: ClaimsEvents,
    private readonly signer: FacilitySigner,
    @Inject(CLAIMS_CONFIG) private readonly config: ClaimsConfig,
  ) {}

  /** After any fact of an episode: build its claim once HIS has closed it and the ledger seen adds up. */
  async episodeChangedIn(m: EntityManager, encounterId: string): Promise<void> {
    const e = await episodes.episode(m, encounterId, true);
    if (!e || e.status !== 'closed' || !e.closeTotals) return;
    const current = await repo.latest(m, encounterId);
    if (current && current.status !== 'invalid') return;
    // Charges travel on his.charge.v1 and the close on his.encounter.v1: the close can be read first. The
    // claim waits until every line HIS closed with has arrived (Σ THANH_TIEN_BV equals the ledger total).
    if (!sameAmount(await episodes.chargedTotal(m, encounterId), e.closeTotals.hospital)) return;
    // Patient and results arrive on other topics: wait for them, up to the grace period after the close.
    if (!current) {
      const waiting = awaitedFacts(await episodes.facts(m, e), await episodes.patient(m, e.patientId));
      const closedSince = new Date(e.closeReceivedAt ?? e.closedAt!).getTime();
      const graceOver = Date.now() - closedSince >= this.config.waitForFactsMs;
      if (waiting.length && !graceOver) return;
    }
    await this.buildIn(m, e, current ?? null, current ? 'rebuilt after new facts' : 'episode closed');
  }

  /** Closed episodes still without a claim whose grace period is over: built now, with what is there. */
  async buildOverdue(): Promise<number> {
    const due = await episodes.closedWithoutClaim(this.db.manager, this.config.waitForFactsMs);
    for (const encounterId of due) await this.db.transaction((m) => this.episodeChangedIn(m, encounterId));
    return due.length;
  }

  /** A new version from the current facts, e.g. after the gateway refused one or a clerk corrected the episode. */
  async resubmit(claimId: string, reason: string, ctx: RequestContext): Promise<ClaimRow> {
    return this.db.transaction(async (m) => {
      const claim = await repo.get(m, claimId);
      if (!claim) throw new NotFoundError('Claim', claimId);
      const e = (await episodes.episode(m, claim.encounterId, true))!;
      const latest = (await repo.latest(m, claim.encounterId))!;
      if (latest.id !== claim.id)
        throw new ConflictError(
          'NOT_LATEST',
          `claim ${claimId} is version ${claim.version}; version ${latest.version} is newer`,
        );
      if (latest.status === 'queued')
        throw new ConflictError('STILL_QUEUED', `claim ${claimId} is still waiting to be sent`);
      if (latest.status === 'invalid') await this.buildIn(m, e, latest, reason, ctx);
      else await this.buildIn(m, e, null, reason, ctx, latest);
      return (await repo.latest(m, claim.encounterId))!;
    });
  }

  private async buildIn(
    m: EntityManager,
    e: EpisodeRow,
    replacing: ClaimRow | null,
    reason: string,
    ctx?: Partial<RequestContext>,
    supersedes?: ClaimRow,
  ): Promise<void> {
    const [facts, patient, catalog] = await Promise.all([
      episodes.facts(m, e),
      episodes.patient(m, e.patientId),
      CatalogRepository.all(m),
    ]);
    const built = buildClaim(
      facts,
      patient ?? missingPatient(e.patientId),
      this.config.facility,
      catalog,
      this.signer.sign,
      new Date(),
    );
    const problems = patient
      ? built.problems
      : [
          {
            table: 'XML1',
            row: 1,
            field: 'HO_TEN',
            code: 'UNKNOWN_PATIENT',
            reason: `no demographics for patient ${e.patientId}`,
          },
          ...built.problems,
        ];
    const valid = problems.length === 0 && built.envelopeXml !== null;
    const status: ClaimStatus = valid ? 'queued' : 'invalid';
    const claim = {
      id: replacing?.id ?? randomUUID(),
      encounterId: e.encounterId,
      patientId: e.patientId,
      episodeKey: e.episodeKey,
      version: replacing?.version ?? ((await repo.latest(m, e.encounterId))?.version ?? 0) + 1,
      status,
      layoutVersion: built.layoutVersion,
      settlementMonth: built.assembled.settlementMonth,
      errors: problems,
      tables: built.assembled.tables as unknown as Record<string, Record<string, string>[]>,
      totals: { ...built.assembled.totals },
      envelopeXml: valid ? built.envelopeXml : null,
      signerSubject: valid ? this.signer.subject : null,
      reason,
    };
    if (replacing) await repo.replace(m, claim);
    else await repo.insert(m, claim);
    if (supersedes && supersedes.status !== 'submitted') await repo.setStatus(m, supersedes.id, 'superseded');
    if (valid)
      await submissions.enqueue(m, {
        id: randomUUID(),
        kind: 'claim',
        encounterId: e.encounterId,
        claimId: claim.id,
        documentXml: built.envelopeXml!,
      });
    const t = built.assembled.totals;
    await this.events.emit(
      m,
      Topics.ClaimsClaim,
      ClaimAssembledSchema,
      {
        claimId: claim.id,
        episodeKey: e.episodeKey,
        encounterId: e.encounterId,
        patientId: e.patientId,
        version: claim.version,
        valid,
        errorCount: problems.length,
        totalHospitalAmount: t.hospital,
        totalInsuranceAmount: t.insurance,
        insurerPays: t.insurerPays,
        patientCopay: t.patientCopay,
        patientPays: t.patientPays,
        layoutVersion: built.layoutVersion,
        assembledAt: ts(new Date()),
      },
      ctx,
    );
  }

  get(id: string): Promise<ClaimRow> {
    return this.require(this.db.manager, id);
  }

  async tables(id: string): Promise<Record<string, Record<string, string>[]>> {
    await this.require(this.db.manager, id);
    return (await repo.tables(this.db.manager, id))!;
  }

  async envelope(id: string): Promise<string> {
    const claim = await this.require(this.db.manager, id);
    const xml = await repo.envelope(this.db.manager, id);
    if (!xml)
      throw new ConflictError(
        'NOT_SIGNED',
        `claim ${id} failed validation (${claim.errors.length} errors): no XML was signed`,
      );
    return xml;
  }

  async history(id: string) {
    const claim = await this.require(this.db.manager, id);
    const m = this.db.manager;
    const versions = await repo.versions(m, claim.encounterId);
    const queue = await submissions.forEncounter(m, claim.encounterId);
    return {
      versions,
      submissions: await Promise.all(
        queue.map(async (s) => ({ ...s, receipts: await submissions.receipts(m, s.id) })),
      ),
    };
  }

  search(f: {
    status?: string;
    from?: Date;
    to?: Date;
    patientId?: string;
    month?: string;
    limit: number;
    offset: number;
  }) {
    return repo.search(this.db.manager, f);
  }

  latestForEncounter(encounterId: string) {
    return repo.latest(this.db.manager, encounterId);
  }

  month(month: string) {
    return repo.month(this.db.manager, month);
  }

  private async require(m: EntityManager, id: string): Promise<ClaimRow> {
    const c = await repo.get(m, id);
    if (!c) throw new NotFoundError('Claim', id);
    return c;
  }
}

function sameAmount(a: string, b: string): boolean {
  const x = parseDecimal(a || '0', 3, 'a', { allowNegative: true });
  const y = parseDecimal(b || '0', 3, 'b', { allowNegative: true });
  return x.ok && y.ok && x.units === y.units;
}

function missingPatient(patientId: string) {
  return {
    patientId,
    patientCode: '',
    fullName: '',
    birthDate: '',
    sex: 'unknown' as const,
    citizenId: '',
    address: { line: '', provinceCode: '', districtCode: '', communeCode: '' },
    ethnicityCode: '',
    nationalityCode: '',
    occupationCode: '',
  };
}

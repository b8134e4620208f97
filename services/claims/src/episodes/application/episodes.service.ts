import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CheckInService } from '../../claims/application/check-in.service';
import { ClaimsService } from '../../claims/application/claims.service';
import type { ChargeFact, CoveragePeriod, EncounterClass, PatientFacts } from '../domain/episode';
import { EpisodesRepository as repo, type FactKind } from '../persistence/episodes.repository';

/**
 * Keeps each episode (MA_LK) current from the events (ARCHITECTURE flow 4). Every method runs inside the
 * consumer's inbox transaction. Once HIS has closed the episode and the charges seen add up to the totals it
 * closed with, the claim is built; a fact that arrives later on another topic (a charge, a result) triggers the
 * check again, so the order in which topics are consumed does not matter.
 */
@Injectable()
export class EpisodesService {
  constructor(
    private readonly claims: ClaimsService,
    private readonly checkIn: CheckInService,
  ) {}

  async recordPatientIn(m: EntityManager, p: PatientFacts, version: number): Promise<void> {
    await repo.upsertPatient(m, p, version);
    await this.checkIn.tryForPatientIn(m, p.patientId);
  }

  /** PatientUpdated carries no patient code (MA_BN): the one registered is kept. */
  async updatePatientIn(
    m: EntityManager,
    patientId: string,
    facts: (patientCode: string) => PatientFacts,
    version: number,
  ): Promise<void> {
    const known = await repo.patient(m, patientId);
    await repo.upsertPatient(m, facts(known?.patientCode ?? patientId), version);
  }

  mergePatientsIn(m: EntityManager, survivor: string, retired: string): Promise<void> {
    return repo.mergePatient(m, survivor, retired);
  }

  async openIn(
    m: EntityManager,
    e: {
      encounterId: string;
      patientId: string;
      encounterClass: EncounterClass;
      visitType: string;
      departmentCode: string | null;
      startedAt: Date;
      coverage: CoveragePeriod | null;
    },
  ): Promise<void> {
    await repo.openEpisode(m, { ...e, episodeKey: e.encounterId });
    if (e.coverage) await this.coverageIn(m, e.encounterId, e.coverage);
    await this.checkIn.tryIn(m, e.encounterId);
  }

  async coverageIn(m: EntityManager, encounterId: string, c: CoveragePeriod): Promise<void> {
    await repo.putFact(
      m,
      'coverage',
      `${encounterId}:${c.cardNumber}:${+c.effectiveAt}`,
      { encounterId },
      c.effectiveAt,
      c,
    );
    await this.claims.episodeChangedIn(m, encounterId);
  }

  async factIn(
    m: EntityManager,
    kind: FactKind,
    factId: string,
    links: { encounterId: string },
    at: Date,
    data: object,
  ): Promise<void> {
    await repo.putFact(m, kind, factId, links, at, data);
    await this.claims.episodeChangedIn(m, links.encounterId);
  }

  async patchIn(m: EntityManager, kind: FactKind, factId: string, patch: object): Promise<void> {
    await repo.patchFact(m, kind, factId, patch);
    const encounterId = kind === 'order' ? await repo.encounterOfOrder(m, factId) : undefined;
    if (encounterId) await this.claims.episodeChangedIn(m, encounterId);
  }

  async chargeIn(m: EntityManager, c: ChargeFact & { encounterId: string }): Promise<void> {
    const { encounterId, ...fact } = c;
    await repo.putFact(
      m,
      'charge',
      c.chargeId,
      { encounterId, orderId: c.sourceId || null },
      c.postedAt,
      fact,
    );
    // QĐ 130 Art. 3 / QĐ 4750 (the spec §1.1): check-in "immediately after the first cost arises".
    await this.checkIn.tryIn(m, encounterId);
    await this.claims.episodeChangedIn(m, encounterId);
  }

  async reverseChargeIn(m: EntityManager, encounterId: string, chargeId: string): Promise<void> {
    await repo.patchFact(m, 'charge', chargeId, { reversed: true });
    await this.claims.episodeChangedIn(m, encounterId);
  }

  async resultIn(
    m: EntityManager,
    orderId: string,
    kind: 'result' | 'report',
    factId: string,
    at: Date,
    data: object,
  ): Promise<void> {
    await repo.putFact(m, kind, factId, { orderId }, at, data);
    const encounterId = await repo.encounterOfOrder(m, orderId);
    if (encounterId) await this.claims.episodeChangedIn(m, encounterId);
  }

  async closeIn(
    m: EntityManager,
    encounterId: string,
    totals: { hospital: string; insurer: string; patient: string },
    closedAt: Date,
  ): Promise<void> {
    await repo.closeEpisode(m, encounterId, totals, closedAt);
    await this.claims.episodeChangedIn(m, encounterId);
  }
}

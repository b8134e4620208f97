import { randomUUID } from 'node:crypto';
import { foldVietnamese, normalizeBhytCardCode } from '@hosp/standards-bhyt';
import { PatientRegisteredSchema, PatientsMergedSchema, PatientUpdatedSchema, Topics } from '@hosp/contracts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  VersionConflictError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { HisEvents, ts } from '../../shared/application/outbox';
import { type PatientFacts, type PatientInput, validatePatient } from '../domain/patient';
import { type PatientRow, PatientsRepository as repo } from '../persistence/patients.repository';
import { patientEventFields } from './patient-events';

export interface PatientSearch {
  name?: string;
  birthYear?: number;
  birthDate?: string;
  citizenId?: string;
  card?: string;
  limit?: number;
}

/**
 * The master patient index: one record per person, keyed on the citizen identity number when there is one
 * (CCCD/CMND/passport), holding the person's BHYT cards. Duplicates found later are merged, never deleted
 * (the HL7 ADT^A40 meaning): the retired record stays, pointing at the survivor.
 */
@Injectable()
export class PatientsService {
  constructor(
    private readonly db: DataSource,
    private readonly events: HisEvents,
  ) {}

  async register(input: PatientInput, ctx: RequestContext): Promise<PatientRow> {
    const facts = this.validate(input);
    return this.db.transaction((m) => this.registerIn(m, facts, ctx));
  }

  /** Registers within a caller's transaction (reception creates patients at check-in). */
  async registerIn(m: EntityManager, facts: PatientFacts, ctx: Partial<RequestContext>): Promise<PatientRow> {
    await this.refuseDuplicateIdentity(m, facts, undefined);
    const id = randomUUID();
    await repo.insert(m, id, await repo.nextPatientCode(m), facts);
    if (facts.card) await repo.upsertCard(m, randomUUID(), id, facts.card);
    const p = (await repo.get(m, id))!;
    await this.events.emit(
      m,
      Topics.HisPatient,
      PatientRegisteredSchema,
      {
        ...patientEventFields(p),
        insuranceCardNumber: facts.card?.cardNumber ?? '',
        patientCode: p.patientCode,
        registeredAt: ts(p.createdAt),
      },
      ctx,
    );
    return p;
  }

  async update(
    id: string,
    expectedVersion: number,
    input: PatientInput,
    ctx: RequestContext,
  ): Promise<PatientRow> {
    const facts = this.validate(input);
    return this.db.transaction(async (m) => {
      const current = await repo.get(m, id, true);
      if (!current) throw new NotFoundError('Patient', id);
      if (current.status === 'merged')
        throw new ConflictError('PATIENT_MERGED', `patient ${id} was merged into ${current.mergedInto}`, {
          mergedInto: current.mergedInto,
        });
      if (current.version !== expectedVersion)
        throw new VersionConflictError('Patient', id, expectedVersion, current.version);
      await this.refuseDuplicateIdentity(m, facts, id);
      await repo.update(m, id, facts);
      if (facts.card) await repo.upsertCard(m, randomUUID(), id, facts.card);
      const p = (await repo.get(m, id))!;
      await this.events.emit(
        m,
        Topics.HisPatient,
        PatientUpdatedSchema,
        { ...patientEventFields(p), version: p.version, updatedAt: ts(p.updatedAt) },
        ctx,
      );
      return p;
    });
  }

  async get(id: string): Promise<PatientRow> {
    const p = await repo.get(this.db.manager, id);
    if (!p) throw new NotFoundError('Patient', id);
    return p;
  }

  async search(q: PatientSearch): Promise<PatientRow[]> {
    if (!q.name && q.birthYear === undefined && !q.birthDate && !q.citizenId && !q.card)
      throw InvalidRequestError.field(
        'query',
        'give at least one of name, birthYear, birthDate, citizenId, card',
      );
    return repo.search(this.db.manager, {
      nameFolded: q.name ? foldVietnamese(q.name) : undefined,
      birthYear: q.birthYear,
      birthDate: q.birthDate,
      citizenId: q.citizenId?.trim(),
      card: q.card ? normalizeBhytCardCode(q.card) : undefined,
      limit: Math.min(q.limit ?? 20, 100),
    });
  }

  async duplicates(id: string) {
    const p = await this.get(id);
    return repo.duplicateCandidates(this.db.manager, p);
  }

  /**
   * Merges `retiredId` into `survivorId`. Cards move to the survivor; encounters, orders and documents stay
   * where they were written (their history is not rewritten) and are read through the survivor's lineage.
   */
  async merge(
    survivorId: string,
    retiredId: string,
    reason: string,
    ctx: RequestContext,
  ): Promise<PatientRow> {
    if (survivorId === retiredId)
      throw InvalidRequestError.field('mergedPatientId', 'must differ from the survivor');
    return this.db.transaction(async (m) => {
      // Lock in id order so two merges over the same pair cannot deadlock.
      const [a, b] = [survivorId, retiredId].sort();
      const first = await repo.get(m, a, true);
      const second = await repo.get(m, b, true);
      const survivor = a === survivorId ? first : second;
      const retired = a === survivorId ? second : first;
      if (!survivor) throw new NotFoundError('Patient', survivorId);
      if (!retired) throw new NotFoundError('Patient', retiredId);
      for (const p of [survivor, retired])
        if (p.status !== 'active')
          throw new ConflictError('PATIENT_MERGED', `patient ${p.id} is already merged into ${p.mergedInto}`);
      if (survivor.citizenId && retired.citizenId && survivor.citizenId !== retired.citizenId)
        throw new ConflictError(
          'IDENTITY_MISMATCH',
          'the two records carry different citizen identity numbers: they are two people',
        );
      await repo.markMerged(m, retiredId, survivorId);
      const mergedAt = new Date();
      await this.events.emit(
        m,
        Topics.HisPatient,
        PatientsMergedSchema,
        { patientId: survivorId, mergedPatientId: retiredId, reason, mergedAt: ts(mergedAt) },
        ctx,
      );
      return (await repo.get(m, survivorId))!;
    });
  }

  validate(input: PatientInput, prefix = ''): PatientFacts {
    const facts = validatePatient(input, prefix);
    if (Array.isArray(facts)) throw new InvalidRequestError(facts);
    return facts;
  }

  private async refuseDuplicateIdentity(m: EntityManager, facts: PatientFacts, self: string | undefined) {
    if (facts.citizenId) {
      const other = await repo.findActiveByCitizenId(m, facts.citizenId);
      if (other && other.id !== self)
        throw new ConflictError(
          'DUPLICATE_PATIENT',
          `citizen id ${facts.citizenId} belongs to patient ${other.id}`,
          {
            patientId: other.id,
          },
        );
    }
    if (facts.card) {
      const other = await repo.findActiveByCard(m, facts.card.cardNumber);
      if (other && other.id !== self)
        throw new ConflictError(
          'DUPLICATE_PATIENT',
          `BHYT card ${facts.card.cardNumber} belongs to patient ${other.id}`,
          { patientId: other.id },
        );
    }
  }
}

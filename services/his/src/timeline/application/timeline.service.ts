import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PatientsRepository } from '../../patients/persistence/patients.repository';
import {
  type TimelineEntry,
  type TimelineKind,
  TimelineRepository as repo,
} from '../persistence/timeline.repository';

/**
 * The EMR timeline: one row per clinically meaningful fact (order placed, result released, report signed,
 * prescription issued, document signed), written in the same transaction as the fact itself, read in time
 * order across the patient's merged records.
 */
@Injectable()
export class TimelineService {
  constructor(private readonly db: DataSource) {}

  async addIn(m: EntityManager, e: Omit<TimelineEntry, 'id'>): Promise<string> {
    const id = randomUUID();
    await repo.insert(m, { id, ...e });
    return id;
  }

  async forPatient(
    patientId: string,
    f: { encounterId?: string; kinds?: TimelineKind[]; limit?: number } = {},
  ): Promise<TimelineEntry[]> {
    const ids = await PatientsRepository.lineage(this.db.manager, patientId);
    if (ids.length === 0) throw new NotFoundError('Patient', patientId);
    return repo.forPatients(this.db.manager, ids, { ...f, limit: Math.min(f.limit ?? 500, 5000) });
  }
}

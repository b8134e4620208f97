import { NotFoundError } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SpecimensRepository } from '../../specimens/persistence/specimens.repository';
import type { SexCode } from '../../shared/domain/codes';
import { normaliseBirthDate } from '../../shared/domain/dates';
import { type LabPatientRow, LabPatientsRepository as repo } from '../persistence/lab-patients.repository';

export interface PatientDemographics {
  patientId: string;
  patientCode?: string;
  fullName: string;
  /** As HIS sends it; normalised here. */
  birthDate: string;
  sex: SexCode | null;
  version: number;
}

/**
 * The demographics snapshot LIS needs from HIS's patient index: name, birth date and sex go on the
 * analyzer's work order, and sex and age choose the reference range. Fed by his.patient.v1 only.
 */
@Injectable()
export class LabPatientsService {
  constructor(private readonly db: DataSource) {}

  async recordIn(m: EntityManager, p: PatientDemographics): Promise<void> {
    await repo.upsert(m, {
      patientId: p.patientId,
      patientCode: p.patientCode || null,
      fullName: p.fullName || null,
      birthDate: normaliseBirthDate(p.birthDate),
      sex: p.sex,
      version: p.version,
    });
  }

  /** ADT^A40 meaning: the retired record's accessions (and so its results) now belong to the survivor. */
  async mergeIn(m: EntityManager, survivor: string, retired: string): Promise<void> {
    await repo.markMerged(m, retired, survivor);
    await SpecimensRepository.repointPatient(m, retired, survivor);
  }

  async get(patientId: string): Promise<LabPatientRow> {
    const p = await repo.get(this.db.manager, patientId);
    if (!p) throw new NotFoundError('Patient', patientId);
    return p;
  }
}

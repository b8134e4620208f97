import { NotFoundError, type RequestContext } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ProceduresService } from '../../procedures/application/procedures.service';
import { ProceduresRepository } from '../../procedures/persistence/procedures.repository';
import type { SexCode } from '../../shared/domain/codes';
import { normaliseBirthDate } from '../../shared/domain/dates';
import { type RisPatientRow, RisPatientsRepository as repo } from '../persistence/ris-patients.repository';

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
 * The demographics snapshot RIS needs from HIS's patient index: the Modality Worklist item shows the patient's
 * code, name, birth date and sex, so the modality never asks anyone to type them. Fed by his.patient.v1 only.
 * When they change (or arrive after the order: the two topics are not ordered with each other), the patient's
 * scheduled worklist items are sent again with the new values (IHE SWF patient information update).
 */
@Injectable()
export class RisPatientsService {
  constructor(
    private readonly db: DataSource,
    private readonly procedures: ProceduresService,
  ) {}

  async recordIn(m: EntityManager, p: PatientDemographics, ctx?: Partial<RequestContext>): Promise<void> {
    const stored = await repo.upsert(m, {
      patientId: p.patientId,
      patientCode: p.patientCode || null,
      fullName: p.fullName || null,
      birthDate: normaliseBirthDate(p.birthDate),
      sex: p.sex,
      version: p.version,
    });
    if (stored) await this.procedures.republishForPatientIn(m, p.patientId, ctx);
  }

  /** ADT^A40 meaning: the retired record's procedures (and so its reports) now belong to the survivor. */
  async mergeIn(
    m: EntityManager,
    survivor: string,
    retired: string,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await repo.markMerged(m, retired, survivor);
    await ProceduresRepository.repointPatient(m, retired, survivor);
    await this.procedures.republishForPatientIn(m, survivor, ctx);
  }

  async get(patientId: string): Promise<RisPatientRow> {
    const p = await repo.get(this.db.manager, patientId);
    if (!p) throw new NotFoundError('Patient', patientId);
    return p;
  }
}

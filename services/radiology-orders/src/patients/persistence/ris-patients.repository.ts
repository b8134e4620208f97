import type { EntityManager } from 'typeorm';
import type { SexCode } from '../../shared/domain/codes';

export interface RisPatientRow {
  patientId: string;
  patientCode: string | null;
  fullName: string | null;
  birthDate: string | null;
  sex: SexCode | null;
  mergedInto: string | null;
  version: number;
  updatedAt: Date;
}

const COLUMNS = `patient_id AS "patientId", patient_code AS "patientCode", full_name AS "fullName",
  birth_date AS "birthDate", sex, merged_into AS "mergedInto", version, updated_at AS "updatedAt"`;

/** SQL for the demographics snapshot RIS keeps from his.patient.v1. */
export const RisPatientsRepository = {
  /**
   * Stores a patient's demographics unless a newer version is already there (events of one patient arrive in
   * order on their partition, but a replayed old event must not roll a record back). True when it was stored.
   */
  async upsert(
    m: EntityManager,
    p: {
      patientId: string;
      patientCode: string | null;
      fullName: string | null;
      birthDate: string | null;
      sex: SexCode | null;
      version: number;
    },
  ): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO ris_patient (patient_id, patient_code, full_name, birth_date, sex, version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (patient_id) DO UPDATE SET patient_code = COALESCE(EXCLUDED.patient_code, ris_patient.patient_code),
         full_name = EXCLUDED.full_name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex,
         version = EXCLUDED.version, updated_at = now()
       WHERE ris_patient.version <= EXCLUDED.version
       RETURNING patient_id`,
      [p.patientId, p.patientCode, p.fullName, p.birthDate, p.sex, p.version],
    );
    return rows.length === 1;
  },

  async get(m: EntityManager, patientId: string): Promise<RisPatientRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM ris_patient WHERE patient_id = $1`, [patientId]);
    return rows[0];
  },

  async markMerged(m: EntityManager, retired: string, survivor: string): Promise<void> {
    await m.query(
      `INSERT INTO ris_patient (patient_id, merged_into) VALUES ($1, $2)
       ON CONFLICT (patient_id) DO UPDATE SET merged_into = EXCLUDED.merged_into, updated_at = now()`,
      [retired, survivor],
    );
  },
};

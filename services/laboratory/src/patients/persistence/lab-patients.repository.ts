import type { EntityManager } from 'typeorm';
import type { SexCode } from '../../shared/domain/codes';

export interface LabPatientRow {
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

/** SQL for the demographics snapshot LIS keeps from his.patient.v1. */
export const LabPatientsRepository = {
  /**
   * Stores a patient's demographics unless a newer version is already there (events of one patient arrive in
   * order on their partition, but a replayed old event must not roll a record back).
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
  ): Promise<void> {
    await m.query(
      `INSERT INTO lab_patient (patient_id, patient_code, full_name, birth_date, sex, version)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (patient_id) DO UPDATE SET patient_code = COALESCE(EXCLUDED.patient_code, lab_patient.patient_code),
         full_name = EXCLUDED.full_name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex,
         version = EXCLUDED.version, updated_at = now()
       WHERE lab_patient.version <= EXCLUDED.version`,
      [p.patientId, p.patientCode, p.fullName, p.birthDate, p.sex, p.version],
    );
  },

  async get(m: EntityManager, patientId: string): Promise<LabPatientRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM lab_patient WHERE patient_id = $1`, [patientId]);
    return rows[0];
  },

  async markMerged(m: EntityManager, retired: string, survivor: string): Promise<void> {
    await m.query(
      `INSERT INTO lab_patient (patient_id, merged_into) VALUES ($1, $2)
       ON CONFLICT (patient_id) DO UPDATE SET merged_into = EXCLUDED.merged_into, updated_at = now()`,
      [retired, survivor],
    );
  },
};

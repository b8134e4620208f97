import type { DicomJson } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';

export type ReconciliationState = 'pending' | 'reconciled' | 'held' | 'resolved';

export interface StudyRow {
  studyInstanceUid: string;
  patientId: string | null;
  patientName: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  accessionNumber: string | null;
  studyDate: string | null;
  studyTime: string | null;
  studyDescription: string | null;
  reconciliation: ReconciliationState;
  procedureId: string | null;
  orderId: string | null;
  platformPatientId: string | null;
  heldReasons: string[];
  heldAt: Date | null;
  resolvedBy: string | null;
  resolvedReason: string | null;
  resolvedAt: Date | null;
  announcedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Computed: Modalities in Study, Number of Study Related Series / Instances. */
  modalities: string[];
  seriesCount: number;
  instanceCount: number;
  attributes?: DicomJson;
}

const COLUMNS = `s.study_instance_uid AS "studyInstanceUid", s.patient_id AS "patientId", s.patient_name AS "patientName",
  s.patient_birth_date AS "patientBirthDate", s.patient_sex AS "patientSex", s.accession_number AS "accessionNumber",
  s.study_date AS "studyDate", s.study_time AS "studyTime", s.study_description AS "studyDescription",
  s.reconciliation, s.procedure_id AS "procedureId", s.order_id AS "orderId",
  s.platform_patient_id AS "platformPatientId", s.held_reasons AS "heldReasons", s.held_at AS "heldAt",
  s.resolved_by AS "resolvedBy", s.resolved_reason AS "resolvedReason", s.resolved_at AS "resolvedAt",
  s.announced_at AS "announcedAt", s.created_at AS "createdAt", s.updated_at AS "updatedAt",
  COALESCE((SELECT array_agg(DISTINCT se.modality ORDER BY se.modality) FROM dcm_series se
            WHERE se.study_instance_uid = s.study_instance_uid AND se.modality IS NOT NULL), '{}') AS modalities,
  (SELECT count(*)::int FROM dcm_series se WHERE se.study_instance_uid = s.study_instance_uid) AS "seriesCount",
  (SELECT count(*)::int FROM dcm_instance i WHERE i.study_instance_uid = s.study_instance_uid) AS "instanceCount"`;

export const StudiesRepository = {
  /** Studies due for announcement, locked; another replica skips them. */
  due(m: EntityManager, limit: number): Promise<StudyRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_study s WHERE s.announce_at <= now()
       ORDER BY s.announce_at LIMIT $1 FOR UPDATE OF s SKIP LOCKED`,
      [limit],
    );
  },

  async get(
    m: EntityManager,
    uid: string,
    lock = false,
    withAttributes = false,
  ): Promise<StudyRow | undefined> {
    const rows: StudyRow[] = await m.query(
      `SELECT ${COLUMNS}${withAttributes ? ', s.attributes' : ''} FROM dcm_study s WHERE s.study_instance_uid = $1
       ${lock ? 'FOR UPDATE OF s' : ''}`,
      [uid],
    );
    return rows[0];
  },

  /** Held studies with this accession number, locked. */
  heldWithAccession(m: EntityManager, accession: string): Promise<StudyRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_study s WHERE s.reconciliation = 'held' AND s.accession_number = $1
       ORDER BY s.study_instance_uid FOR UPDATE OF s`,
      [accession],
    );
  },

  list(
    m: EntityManager,
    f: { reconciliation?: ReconciliationState; accessionNumber?: string; patientId?: string; limit: number },
  ): Promise<StudyRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_study s
       WHERE ($1::text IS NULL OR s.reconciliation = $1) AND ($2::text IS NULL OR s.accession_number = $2)
         AND ($3::text IS NULL OR s.patient_id = $3)
       ORDER BY COALESCE(s.held_at, s.created_at), s.study_instance_uid LIMIT $4`,
      [f.reconciliation ?? null, f.accessionNumber ?? null, f.patientId ?? null, f.limit],
    );
  },

  async announced(m: EntityManager, uid: string): Promise<void> {
    await m.query(
      `UPDATE dcm_study SET announce_at = NULL, announced_at = now() WHERE study_instance_uid = $1`,
      [uid],
    );
  },

  async linked(
    m: EntityManager,
    uid: string,
    state: 'reconciled' | 'resolved',
    p: { procedureId: string; orderId: string; patientId: string },
    resolution?: { by: string; reason: string },
  ): Promise<void> {
    await m.query(
      `UPDATE dcm_study SET reconciliation = $2, procedure_id = $3, order_id = $4, platform_patient_id = $5,
         held_reasons = '{}', resolved_by = $6, resolved_reason = $7,
         resolved_at = CASE WHEN $6::text IS NULL THEN NULL ELSE now() END, updated_at = now()
       WHERE study_instance_uid = $1`,
      [uid, state, p.procedureId, p.orderId, p.patientId, resolution?.by ?? null, resolution?.reason ?? null],
    );
  },

  async held(m: EntityManager, uid: string, reasons: string[]): Promise<void> {
    await m.query(
      `UPDATE dcm_study SET reconciliation = 'held', held_reasons = $2, held_at = COALESCE(held_at, now()),
         procedure_id = NULL, order_id = NULL, platform_patient_id = NULL, updated_at = now()
       WHERE study_instance_uid = $1`,
      [uid, reasons],
    );
  },
};

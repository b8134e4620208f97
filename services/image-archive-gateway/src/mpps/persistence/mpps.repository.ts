import type { DicomJson } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';
import type { MppsKeys, MppsStatus } from '../domain/mpps';

export interface MppsRow extends MppsKeys {
  sopInstanceUid: string;
  callingAe: string;
  procedureId: string | null;
  attributes: DicomJson;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `sop_instance_uid AS "sopInstanceUid", status, calling_ae AS "callingAe",
  accession_number AS "accessionNumber", scheduled_step_id AS "scheduledStepId",
  requested_procedure_id AS "requestedProcedureId", study_instance_uid AS "studyInstanceUid", modality,
  station_ae_title AS "stationAeTitle", patient_id AS "patientId", procedure_id AS "procedureId",
  started_at AS "startedAt", ended_at AS "endedAt", instance_count AS "instanceCount",
  discontinuation_reason AS "discontinuationReason", attributes, created_at AS "createdAt", updated_at AS "updatedAt"`;

export const MppsRepository = {
  async get(m: EntityManager, uid: string, lock = false): Promise<MppsRow | undefined> {
    const rows: MppsRow[] = await m.query(
      `SELECT ${COLUMNS} FROM dcm_mpps WHERE sop_instance_uid = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [uid],
    );
    return rows[0];
  },

  /** False when an MPPS with this UID exists (a duplicate N-CREATE). */
  async insert(
    m: EntityManager,
    uid: string,
    callingAe: string,
    keys: MppsKeys,
    procedureId: string | null,
    attributes: DicomJson,
  ): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO dcm_mpps (sop_instance_uid, status, calling_ae, accession_number, scheduled_step_id,
         requested_procedure_id, study_instance_uid, modality, station_ae_title, patient_id, procedure_id, started_at,
         ended_at, instance_count, discontinuation_reason, attributes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (sop_instance_uid) DO NOTHING RETURNING sop_instance_uid`,
      [
        uid,
        keys.status,
        callingAe,
        keys.accessionNumber,
        keys.scheduledStepId,
        keys.requestedProcedureId,
        keys.studyInstanceUid,
        keys.modality,
        keys.stationAeTitle,
        keys.patientId,
        procedureId,
        keys.startedAt,
        keys.endedAt,
        keys.instanceCount,
        keys.discontinuationReason,
        JSON.stringify(attributes),
      ],
    );
    return rows.length === 1;
  },

  async update(
    m: EntityManager,
    uid: string,
    keys: MppsKeys,
    procedureId: string | null,
    attributes: DicomJson,
  ) {
    await m.query(
      `UPDATE dcm_mpps SET status = $2, accession_number = $3, scheduled_step_id = $4, requested_procedure_id = $5,
         study_instance_uid = $6, modality = $7, station_ae_title = $8, patient_id = $9, procedure_id = $10,
         started_at = $11, ended_at = $12, instance_count = $13, discontinuation_reason = $14, attributes = $15,
         updated_at = now()
       WHERE sop_instance_uid = $1`,
      [
        uid,
        keys.status,
        keys.accessionNumber,
        keys.scheduledStepId,
        keys.requestedProcedureId,
        keys.studyInstanceUid,
        keys.modality,
        keys.stationAeTitle,
        keys.patientId,
        procedureId,
        keys.startedAt,
        keys.endedAt,
        keys.instanceCount,
        keys.discontinuationReason,
        JSON.stringify(attributes),
      ],
    );
  },

  list(
    m: EntityManager,
    f: { accessionNumber?: string; status?: MppsStatus; limit: number },
  ): Promise<MppsRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_mpps WHERE ($1::text IS NULL OR accession_number = $1)
         AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC LIMIT $3`,
      [f.accessionNumber ?? null, f.status ?? null, f.limit],
    );
  },
};

import type { EntityManager } from 'typeorm';

export type MppsState = 'in-progress' | 'completed' | 'discontinued';
export type MppsEffect = 'moved' | 'no-change' | 'unmatched';

export interface MppsRow {
  mppsInstanceUid: string;
  status: MppsState;
  procedureId: string | null;
  effect: MppsEffect;
  accessionNumber: string | null;
  scheduledStepId: string | null;
  requestedProcedureId: string | null;
  studyInstanceUid: string | null;
  modality: string | null;
  stationAeTitle: string | null;
  dicomPatientId: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  instanceCount: number | null;
  discontinuationReason: string | null;
  eventId: string | null;
  payload: unknown;
  receivedAt: Date;
}

const COLUMNS = `mpps_instance_uid AS "mppsInstanceUid", status, procedure_id AS "procedureId", effect,
  accession_number AS "accessionNumber", scheduled_step_id AS "scheduledStepId",
  requested_procedure_id AS "requestedProcedureId", study_instance_uid AS "studyInstanceUid", modality,
  station_ae_title AS "stationAeTitle", dicom_patient_id AS "dicomPatientId", started_at AS "startedAt",
  ended_at AS "endedAt", instance_count AS "instanceCount", discontinuation_reason AS "discontinuationReason",
  event_id AS "eventId", payload, received_at AS "receivedAt"`;

/** SQL for the MPPS reports RIS received (pacs.mpps.v1). */
export const MppsRepository = {
  /**
   * Records one state of one performed step; false when that state of that step was already recorded (the same
   * report again, e.g. replayed under a new event id): it then changes nothing.
   */
  async record(m: EntityManager, r: Omit<MppsRow, 'receivedAt'>): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO ris_mpps (mpps_instance_uid, status, procedure_id, effect, accession_number, scheduled_step_id,
         requested_procedure_id, study_instance_uid, modality, station_ae_title, dicom_patient_id, started_at,
         ended_at, instance_count, discontinuation_reason, event_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb)
       ON CONFLICT (mpps_instance_uid, status) DO NOTHING
       RETURNING mpps_instance_uid`,
      [
        r.mppsInstanceUid,
        r.status,
        r.procedureId,
        r.effect,
        r.accessionNumber,
        r.scheduledStepId,
        r.requestedProcedureId,
        r.studyInstanceUid,
        r.modality,
        r.stationAeTitle,
        r.dicomPatientId,
        r.startedAt,
        r.endedAt,
        r.instanceCount,
        r.discontinuationReason,
        r.eventId,
        JSON.stringify(r.payload),
      ],
    );
    return rows.length === 1;
  },

  async setEffect(m: EntityManager, uid: string, status: MppsState, effect: MppsEffect): Promise<void> {
    await m.query(`UPDATE ris_mpps SET effect = $3 WHERE mpps_instance_uid = $1 AND status = $2`, [
      uid,
      status,
      effect,
    ]);
  },

  async forProcedure(m: EntityManager, procedureId: string): Promise<MppsRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM ris_mpps WHERE procedure_id = $1 ORDER BY received_at, mpps_instance_uid`,
      [procedureId],
    );
  },

  async list(m: EntityManager, f: { matched?: boolean; limit: number }): Promise<MppsRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM ris_mpps
       WHERE ($1::boolean IS NULL OR (procedure_id IS NOT NULL) = $1)
       ORDER BY received_at DESC, mpps_instance_uid LIMIT $2`,
      [f.matched ?? null, f.limit],
    );
  },
};

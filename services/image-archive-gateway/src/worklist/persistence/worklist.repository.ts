import type { DicomJson } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';
import type { WorklistItem, WorklistStatus } from '../domain/worklist-item';

export interface WorklistRow extends WorklistItem {
  attributes: DicomJson;
  cancelReason: string | null;
  updatedAt: Date;
}

const COLUMNS = `procedure_id AS "procedureId", order_id AS "orderId", patient_id AS "patientId",
  accession_number AS "accessionNumber", requested_procedure_id AS "requestedProcedureId",
  scheduled_step_id AS "scheduledStepId", modality, station_ae_title AS "stationAeTitle", station_name AS "stationName",
  scheduled_start AS "scheduledStart", procedure_code AS "procedureCode", description, patient_code AS "patientCode",
  patient_name AS "patientName", birth_date AS "birthDate", sex, priority, referring_physician AS "referringPhysician",
  study_instance_uid AS "studyInstanceUid", status, cancel_reason AS "cancelReason", attributes, updated_at AS "updatedAt"`;

/** Keys C-FIND can narrow the search with in SQL; the rest is matched on the attributes (PS3.4 C.2.2.2). */
export interface WorklistPrefilter {
  modality?: string;
  stationAeTitle?: string;
  dateFrom?: string;
  dateTo?: string;
  accessionNumber?: string;
  patientCode?: string;
  limit: number;
}

export const WorklistRepository = {
  /**
   * RIS scheduled (or rescheduled) a step. A cancelled step scheduled again is back in the worklist; a step
   * already started or done keeps its state.
   */
  async upsert(
    m: EntityManager,
    i: WorklistItem,
    date: string | null,
    time: string | null,
    attributes: (status: WorklistStatus) => DicomJson,
  ) {
    const current = await WorklistRepository.get(m, i.procedureId, true);
    const status: WorklistStatus = !current || current.status === 'cancelled' ? 'scheduled' : current.status;
    await m.query(
      `INSERT INTO dcm_worklist_item (procedure_id, order_id, patient_id, accession_number, requested_procedure_id,
         scheduled_step_id, modality, station_ae_title, station_name, scheduled_start, scheduled_date, scheduled_time,
         procedure_code, description, patient_code, patient_name, birth_date, sex, priority, referring_physician,
         study_instance_uid, status, cancel_reason, attributes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         NULL, $23)
       ON CONFLICT (procedure_id) DO UPDATE SET order_id = EXCLUDED.order_id, patient_id = EXCLUDED.patient_id,
         accession_number = EXCLUDED.accession_number, requested_procedure_id = EXCLUDED.requested_procedure_id,
         scheduled_step_id = EXCLUDED.scheduled_step_id, modality = EXCLUDED.modality,
         station_ae_title = EXCLUDED.station_ae_title, station_name = EXCLUDED.station_name,
         scheduled_start = EXCLUDED.scheduled_start, scheduled_date = EXCLUDED.scheduled_date,
         scheduled_time = EXCLUDED.scheduled_time, procedure_code = EXCLUDED.procedure_code,
         description = EXCLUDED.description, patient_code = EXCLUDED.patient_code,
         patient_name = EXCLUDED.patient_name, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex,
         priority = EXCLUDED.priority, referring_physician = EXCLUDED.referring_physician,
         study_instance_uid = EXCLUDED.study_instance_uid, status = EXCLUDED.status, cancel_reason = NULL,
         attributes = EXCLUDED.attributes, updated_at = now()`,
      [
        i.procedureId,
        i.orderId,
        i.patientId,
        i.accessionNumber,
        i.requestedProcedureId,
        i.scheduledStepId,
        i.modality,
        i.stationAeTitle,
        i.stationName,
        i.scheduledStart,
        date,
        time,
        i.procedureCode ? JSON.stringify(i.procedureCode) : null,
        i.description,
        i.patientCode,
        i.patientName,
        i.birthDate,
        i.sex,
        i.priority,
        i.referringPhysician,
        i.studyInstanceUid,
        status,
        JSON.stringify(attributes(status)),
      ],
    );
  },

  async get(m: EntityManager, procedureId: string, lock = false): Promise<WorklistRow | undefined> {
    const rows: WorklistRow[] = await m.query(
      `SELECT ${COLUMNS} FROM dcm_worklist_item WHERE procedure_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [procedureId],
    );
    return rows[0];
  },

  /** Sets the status and the attributes that show it ((0040,0020) follows the status). */
  async setStatus(
    m: EntityManager,
    procedureId: string,
    status: WorklistStatus,
    attributes: DicomJson,
    cancelReason: string | null = null,
  ): Promise<void> {
    await m.query(
      `UPDATE dcm_worklist_item SET status = $2, attributes = $3, cancel_reason = $4, updated_at = now()
       WHERE procedure_id = $1`,
      [procedureId, status, JSON.stringify(attributes), cancelReason],
    );
  },

  /** Every step with this accession number, open ones first. */
  byAccession(m: EntityManager, accessionNumber: string): Promise<WorklistRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_worklist_item WHERE accession_number = $1
       ORDER BY status IN ('scheduled', 'in_progress') DESC, scheduled_start NULLS LAST, procedure_id`,
      [accessionNumber],
    );
  },

  /** Open steps (scheduled or started) narrowed by the equality and range keys of a C-FIND. */
  open(m: EntityManager, f: WorklistPrefilter): Promise<WorklistRow[]> {
    const where = [`status IN ('scheduled', 'in_progress')`];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.modality) add('modality = ?', f.modality);
    if (f.stationAeTitle) add('station_ae_title = ?', f.stationAeTitle);
    if (f.dateFrom) add('scheduled_date >= ?', f.dateFrom);
    if (f.dateTo) add('scheduled_date <= ?', f.dateTo);
    if (f.accessionNumber) add('accession_number = ?', f.accessionNumber);
    if (f.patientCode) add('patient_code = ?', f.patientCode);
    params.push(f.limit);
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_worklist_item WHERE ${where.join(' AND ')}
       ORDER BY scheduled_start NULLS LAST, procedure_id LIMIT $${params.length}`,
      params,
    );
  },

  list(
    m: EntityManager,
    f: { status?: WorklistStatus; accessionNumber?: string; limit: number },
  ): Promise<WorklistRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_worklist_item
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR accession_number = $2)
       ORDER BY scheduled_start NULLS LAST, procedure_id LIMIT $3`,
      [f.status ?? null, f.accessionNumber ?? null, f.limit],
    );
  },
};

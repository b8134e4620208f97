import type { EntityManager } from 'typeorm';
import type { Priority, SexCode } from '../../shared/domain/codes';
import type { ProcedureStatus, WaitingReason } from '../domain/procedure';

export interface ProcedureRow {
  id: string;
  orderId: string;
  encounterId: string | null;
  patientId: string;
  accessionNumber: string;
  requestedProcedureId: string;
  scheduledStepId: string;
  studyInstanceUid: string;
  modality: string | null;
  procedureCode: { system: string | null; code: string; display: string | null };
  priority: Priority;
  orderingProviderId: string | null;
  clinicalNote: string | null;
  performingDepartment: string | null;
  orderedAt: Date;
  status: ProcedureStatus;
  waitingReasonCode: WaitingReason | null;
  waitingReason: string | null;
  stationAeTitle: string | null;
  stationName: string | null;
  scheduledStart: Date | null;
  scheduledAt: Date | null;
  scheduledBy: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  discontinuedAt: Date | null;
  discontinuationReason: string | null;
  reportedAt: Date | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  /** The images as the archive gateway reported them (StudyReceived), null until then. */
  study: {
    studyInstanceUid: string;
    seriesCount: number;
    instanceCount: number;
    modalities: string[];
    receivedAt: Date;
  } | null;
  /** A study the gateway could not link automatically (StudyHeld), until it is received. */
  studyHeld: { studyInstanceUid: string | null; reasons: string[]; heldAt: Date } | null;
  patient: {
    patientCode: string | null;
    fullName: string | null;
    birthDate: string | null;
    sex: SexCode | null;
  };
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

interface Flat extends Omit<ProcedureRow, 'procedureCode' | 'study' | 'studyHeld' | 'patient'> {
  procedureCodeSystem: string | null;
  procedureCode: string;
  procedureDisplay: string | null;
  studyReceivedUid: string | null;
  studySeriesCount: number | null;
  studyInstanceCount: number | null;
  studyModalities: string[] | null;
  studyReceivedAt: Date | null;
  studyHeldUid: string | null;
  studyHeldReasons: string[] | null;
  studyHeldAt: Date | null;
  patientCode: string | null;
  patientName: string | null;
  birthDate: string | null;
  sex: SexCode | null;
}

const COLUMNS = `p.id, p.order_id AS "orderId", p.encounter_id AS "encounterId", p.patient_id AS "patientId",
  p.accession_number AS "accessionNumber", p.requested_procedure_id AS "requestedProcedureId",
  p.scheduled_step_id AS "scheduledStepId", p.study_instance_uid AS "studyInstanceUid", p.modality,
  p.procedure_code_system AS "procedureCodeSystem", p.procedure_code AS "procedureCode",
  p.procedure_display AS "procedureDisplay", p.priority, p.ordering_provider_id AS "orderingProviderId",
  p.clinical_note AS "clinicalNote", p.performing_department AS "performingDepartment", p.ordered_at AS "orderedAt",
  p.status, p.waiting_reason_code AS "waitingReasonCode", p.waiting_reason AS "waitingReason",
  p.station_ae_title AS "stationAeTitle", s.name AS "stationName", p.scheduled_start AS "scheduledStart",
  p.scheduled_at AS "scheduledAt", p.scheduled_by AS "scheduledBy", p.started_at AS "startedAt",
  p.completed_at AS "completedAt", p.discontinued_at AS "discontinuedAt",
  p.discontinuation_reason AS "discontinuationReason", p.reported_at AS "reportedAt",
  p.cancelled_at AS "cancelledAt", p.cancelled_by AS "cancelledBy", p.cancel_reason AS "cancelReason",
  p.study_received_uid AS "studyReceivedUid", p.study_series_count AS "studySeriesCount",
  p.study_instance_count AS "studyInstanceCount", p.study_modalities AS "studyModalities",
  p.study_received_at AS "studyReceivedAt", p.study_held_uid AS "studyHeldUid",
  p.study_held_reasons AS "studyHeldReasons", p.study_held_at AS "studyHeldAt",
  pt.patient_code AS "patientCode", pt.full_name AS "patientName", pt.birth_date AS "birthDate", pt.sex,
  p.version, p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;
const FROM = `ris_procedure p LEFT JOIN ris_station s ON s.ae_title = p.station_ae_title
  LEFT JOIN ris_patient pt ON pt.patient_id = p.patient_id`;

function parse(r: Flat | undefined): ProcedureRow | undefined {
  if (!r) return undefined;
  const {
    procedureCodeSystem,
    procedureCode,
    procedureDisplay,
    studyReceivedUid,
    studySeriesCount,
    studyInstanceCount,
    studyModalities,
    studyReceivedAt,
    studyHeldUid,
    studyHeldReasons,
    studyHeldAt,
    patientCode,
    patientName,
    birthDate,
    sex,
    ...rest
  } = r;
  return {
    ...rest,
    procedureCode: { system: procedureCodeSystem, code: procedureCode, display: procedureDisplay },
    study:
      studyReceivedUid && studyReceivedAt
        ? {
            studyInstanceUid: studyReceivedUid,
            seriesCount: studySeriesCount ?? 0,
            instanceCount: studyInstanceCount ?? 0,
            modalities: studyModalities ?? [],
            receivedAt: studyReceivedAt,
          }
        : null,
    studyHeld: studyHeldAt
      ? { studyInstanceUid: studyHeldUid, reasons: studyHeldReasons ?? [], heldAt: studyHeldAt }
      : null,
    patient: { patientCode, fullName: patientName, birthDate, sex },
  };
}

export interface NewProcedure {
  id: string;
  orderId: string;
  encounterId: string | null;
  patientId: string;
  accessionNumber: string;
  requestedProcedureId: string;
  scheduledStepId: string;
  studyInstanceUid: string;
  modality: string | null;
  procedureCode: { system: string | null; code: string; display: string | null };
  priority: Priority;
  orderingProviderId: string | null;
  clinicalNote: string | null;
  performingDepartment: string | null;
  orderedAt: Date;
  waitingReasonCode: WaitingReason;
  waitingReason: string;
}

/** Which procedure a performed step or a study belongs to: the first key given that finds one. */
export interface ProcedureKeys {
  scheduledStepId?: string;
  accessionNumber?: string;
  requestedProcedureId?: string;
  orderId?: string;
  studyInstanceUid?: string;
}

const KEY_COLUMNS: Record<keyof ProcedureKeys, string> = {
  scheduledStepId: 'scheduled_step_id',
  accessionNumber: 'accession_number',
  requestedProcedureId: 'requested_procedure_id',
  orderId: 'order_id',
  studyInstanceUid: 'study_instance_uid',
};

/** SQL for requested procedures and their scheduled step. Every function runs in the caller's transaction. */
export const ProceduresRepository = {
  /** The day's next accession sequence: one counter row per day, incremented under its row lock. */
  async nextAccessionSeq(m: EntityManager, day: string): Promise<number> {
    const [r] = await m.query(
      `INSERT INTO ris_accession_counter (service_date, last_seq) VALUES ($1, 1)
       ON CONFLICT (service_date) DO UPDATE SET last_seq = ris_accession_counter.last_seq + 1
       RETURNING last_seq`,
      [day],
    );
    return r.last_seq;
  },

  /** Inserts a requested procedure; false when the order is already known (another transaction was first). */
  async insert(m: EntityManager, p: NewProcedure): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO ris_procedure (id, order_id, encounter_id, patient_id, accession_number, requested_procedure_id,
         scheduled_step_id, study_instance_uid, modality, procedure_code_system, procedure_code, procedure_display,
         priority, ordering_provider_id, clinical_note, performing_department, ordered_at, status,
         waiting_reason_code, waiting_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'requested', $18, $19)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING id`,
      [
        p.id,
        p.orderId,
        p.encounterId,
        p.patientId,
        p.accessionNumber,
        p.requestedProcedureId,
        p.scheduledStepId,
        p.studyInstanceUid,
        p.modality,
        p.procedureCode.system,
        p.procedureCode.code,
        p.procedureCode.display,
        p.priority,
        p.orderingProviderId,
        p.clinicalNote,
        p.performingDepartment,
        p.orderedAt,
        p.waitingReasonCode,
        p.waitingReason,
      ],
    );
    return rows.length === 1;
  },

  async get(m: EntityManager, id: string, lock = false): Promise<ProcedureRow | undefined> {
    if (lock) await m.query(`SELECT 1 FROM ris_procedure WHERE id = $1 FOR UPDATE`, [id]);
    const rows = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1`, [id]);
    return parse(rows[0]);
  },

  async knowsOrder(m: EntityManager, orderId: string): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM ris_procedure WHERE order_id = $1`, [orderId]);
    return rows.length > 0;
  },

  /** The procedure the keys name (tried in the order given), locked. */
  async findLocked(m: EntityManager, keys: ProcedureKeys): Promise<ProcedureRow | undefined> {
    for (const [key, value] of Object.entries(keys) as Array<[keyof ProcedureKeys, string | undefined]>) {
      if (!value) continue;
      const rows = await m.query(`SELECT id FROM ris_procedure WHERE ${KEY_COLUMNS[key]} = $1 LIMIT 1`, [
        value,
      ]);
      if (rows[0]) return this.get(m, rows[0].id, true);
    }
    return undefined;
  },

  async list(
    m: EntityManager,
    f: {
      status?: ProcedureStatus;
      modality?: string;
      from?: Date;
      to?: Date;
      stationAeTitle?: string;
      patientId?: string;
      accessionNumber?: string;
      orderId?: string;
      limit: number;
    },
  ): Promise<ProcedureRow[]> {
    const rows: Flat[] = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE ($1::text IS NULL OR p.status = $1) AND ($2::text IS NULL OR p.modality = $2)
         AND ($3::timestamptz IS NULL OR p.scheduled_start >= $3) AND ($4::timestamptz IS NULL OR p.scheduled_start < $4)
         AND ($5::text IS NULL OR p.station_ae_title = $5) AND ($6::text IS NULL OR p.patient_id = $6)
         AND ($7::text IS NULL OR p.accession_number = $7) AND ($8::text IS NULL OR p.order_id = $8)
       ORDER BY p.scheduled_start NULLS LAST, p.created_at, p.id
       LIMIT $9`,
      [
        f.status ?? null,
        f.modality ?? null,
        f.from ?? null,
        f.to ?? null,
        f.stationAeTitle ?? null,
        f.patientId ?? null,
        f.accessionNumber ?? null,
        f.orderId ?? null,
        f.limit,
      ],
    );
    return rows.map((r) => parse(r)!);
  },

  /** Starts of the steps still scheduled on a station from `from` on (they occupy its slots). */
  async takenStarts(m: EntityManager, aeTitle: string, from: Date, exceptId?: string): Promise<Date[]> {
    const rows: Array<{ start: Date }> = await m.query(
      `SELECT scheduled_start AS start FROM ris_procedure
       WHERE station_ae_title = $1 AND status = 'scheduled' AND scheduled_start >= $2
         AND ($3::uuid IS NULL OR id <> $3)
       ORDER BY scheduled_start`,
      [aeTitle, from, exceptId ?? null],
    );
    return rows.map((r) => new Date(r.start));
  },

  /** Requested procedures waiting for a station of one of these modalities, locked, oldest first. */
  async waitingFor(m: EntityManager, modalities: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT id FROM ris_procedure WHERE status = 'requested' AND modality = ANY($1)
       ORDER BY created_at, id FOR UPDATE`,
      [modalities],
    );
    return rows.map((r) => r.id);
  },

  /** Scheduled procedures of a patient (their worklist items carry the demographics). */
  async scheduledOfPatient(m: EntityManager, patientId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await m.query(
      `SELECT id FROM ris_procedure WHERE patient_id = $1 AND status = 'scheduled' ORDER BY created_at FOR UPDATE`,
      [patientId],
    );
    return rows.map((r) => r.id);
  },

  async schedule(
    m: EntityManager,
    id: string,
    s: { aeTitle: string; start: Date; modality: string; at: Date; by: string | null },
  ): Promise<void> {
    await m.query(
      `UPDATE ris_procedure SET status = 'scheduled', station_ae_title = $2, scheduled_start = $3, modality = $4,
         scheduled_at = $5, scheduled_by = $6, waiting_reason_code = NULL, waiting_reason = NULL,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, s.aeTitle, s.start, s.modality, s.at, s.by],
    );
  },

  async setWaiting(m: EntityManager, id: string, code: WaitingReason, reason: string): Promise<void> {
    await m.query(
      `UPDATE ris_procedure SET waiting_reason_code = $2, waiting_reason = $3, updated_at = now() WHERE id = $1`,
      [id, code, reason],
    );
  },

  async cancel(
    m: EntityManager,
    id: string,
    c: { at: Date; by: string | null; reason: string },
  ): Promise<void> {
    await m.query(
      `UPDATE ris_procedure SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, cancel_reason = $4,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, c.at, c.by, c.reason],
    );
  },

  /** Moves the status on, stamping the time of the state reached (the first time only). */
  async setStatus(
    m: EntityManager,
    id: string,
    status: 'in-progress' | 'completed' | 'discontinued' | 'reported',
    at: Date,
    discontinuationReason: string | null = null,
  ): Promise<void> {
    const stamp = {
      'in-progress': 'started_at',
      completed: 'completed_at',
      discontinued: 'discontinued_at',
      reported: 'reported_at',
    }[status];
    await m.query(
      `UPDATE ris_procedure SET status = $2, ${stamp} = COALESCE(${stamp}, $3),
         discontinuation_reason = COALESCE($4, discontinuation_reason), version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, status, at, discontinuationReason],
    );
  },

  /** The images as the gateway reported them; a study received clears a hold on it. */
  async noteStudy(
    m: EntityManager,
    id: string,
    s: { uid: string; seriesCount: number; instanceCount: number; modalities: string[]; at: Date },
  ): Promise<void> {
    await m.query(
      `UPDATE ris_procedure SET study_received_uid = $2,
         study_series_count = CASE WHEN study_received_uid = $2 THEN GREATEST(study_series_count, $3) ELSE $3 END,
         study_instance_count = CASE WHEN study_received_uid = $2 THEN GREATEST(study_instance_count, $4) ELSE $4 END,
         study_modalities = $5, study_received_at = COALESCE(study_received_at, $6),
         study_held_uid = CASE WHEN study_held_uid IS NULL OR study_held_uid = $2 THEN NULL ELSE study_held_uid END,
         study_held_reasons = CASE WHEN study_held_uid IS NULL OR study_held_uid = $2 THEN NULL ELSE study_held_reasons END,
         study_held_at = CASE WHEN study_held_uid IS NULL OR study_held_uid = $2 THEN NULL ELSE study_held_at END,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, s.uid, s.seriesCount, s.instanceCount, s.modalities, s.at],
    );
  },

  async noteStudyHeld(
    m: EntityManager,
    id: string,
    h: { uid: string | null; reasons: string[]; at: Date },
  ): Promise<void> {
    await m.query(
      `UPDATE ris_procedure SET study_held_uid = $2, study_held_reasons = $3::jsonb, study_held_at = $4,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, h.uid, JSON.stringify(h.reasons), h.at],
    );
  },

  /** PatientsMerged: the retired record's procedures now belong to the survivor. */
  async repointPatient(m: EntityManager, retired: string, survivor: string): Promise<void> {
    await m.query(
      `UPDATE ris_procedure SET patient_id = $2, version = version + 1, updated_at = now() WHERE patient_id = $1`,
      [retired, survivor],
    );
  },
};

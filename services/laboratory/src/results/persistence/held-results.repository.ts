import type { EntityManager } from 'typeorm';
import type { HoldReason } from '../domain/result';

export type HeldStatus = 'held' | 'resolved' | 'discarded';

/** The reported observation as kept on a held result (every field of ReportedObservation, JSON form). */
export interface HeldObservation {
  deviceCode: string;
  deviceName: string;
  service: { system: string; code: string; display: string } | null;
  loinc: string;
  value: string;
  valueType: string;
  unit: string;
  deviceUnit: string;
  referenceRange: string;
  deviceFlags: string;
  resultStatus: string;
  observedAt: string | null;
  mapped: boolean;
}

export interface HeldResultRow {
  id: string;
  reportId: string | null;
  messageId: string | null;
  deviceId: string | null;
  specimenId: string;
  deviceCode: string | null;
  serviceCode: string | null;
  loinc: string | null;
  value: string | null;
  unit: string | null;
  observation: HeldObservation;
  reasonCode: HoldReason;
  reason: string;
  status: HeldStatus;
  heldAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: Record<string, unknown> | null;
  resultId: string | null;
  discardReason: string | null;
}

const COLUMNS = `id, report_id AS "reportId", message_id AS "messageId", device_id AS "deviceId",
  specimen_id AS "specimenId", device_code AS "deviceCode", service_code AS "serviceCode", loinc, value, unit,
  observation, reason_code AS "reasonCode", reason, status, held_at AS "heldAt", resolved_at AS "resolvedAt",
  resolved_by AS "resolvedBy", resolution, result_id AS "resultId", discard_reason AS "discardReason"`;

export const HeldResultsRepository = {
  async insert(
    m: EntityManager,
    h: Pick<
      HeldResultRow,
      'id' | 'reportId' | 'messageId' | 'deviceId' | 'specimenId' | 'observation' | 'reasonCode' | 'reason'
    > & { at: Date },
  ): Promise<void> {
    const o = h.observation;
    await m.query(
      `INSERT INTO lab_held_result (id, report_id, message_id, device_id, specimen_id, device_code, service_code,
         loinc, value, unit, observation, reason_code, reason, status, held_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'held', $14)`,
      [
        h.id,
        h.reportId,
        h.messageId,
        h.deviceId,
        h.specimenId,
        o.deviceCode || null,
        o.service?.code || null,
        o.loinc || null,
        o.value,
        o.unit || null,
        JSON.stringify(o),
        h.reasonCode,
        h.reason,
        h.at,
      ],
    );
  },

  async get(m: EntityManager, id: string, lock = false): Promise<HeldResultRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM lab_held_result WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0];
  },

  async list(
    m: EntityManager,
    f: { status: HeldStatus; reasonCode?: string; specimenId?: string; limit: number },
  ): Promise<HeldResultRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM lab_held_result
       WHERE status = $1 AND ($2::text IS NULL OR reason_code = $2) AND ($3::text IS NULL OR specimen_id = $3)
       ORDER BY held_at, id LIMIT $4`,
      [f.status, f.reasonCode ?? null, f.specimenId ?? null, f.limit],
    );
  },

  async resolve(
    m: EntityManager,
    id: string,
    r: { by: string; at: Date; resolution: Record<string, unknown>; resultId: string },
  ): Promise<void> {
    await m.query(
      `UPDATE lab_held_result SET status = 'resolved', resolved_by = $2, resolved_at = $3, resolution = $4,
         result_id = $5
       WHERE id = $1`,
      [id, r.by, r.at, JSON.stringify(r.resolution), r.resultId],
    );
  },

  async discard(m: EntityManager, id: string, r: { by: string; at: Date; reason: string }): Promise<void> {
    await m.query(
      `UPDATE lab_held_result SET status = 'discarded', resolved_by = $2, resolved_at = $3, discard_reason = $4
       WHERE id = $1`,
      [id, r.by, r.at, r.reason],
    );
  },
};

import type { DicomJson } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';

export interface CommitmentRow {
  transactionUid: string;
  callingAe: string;
  requested: DicomJson;
  status: 'pending' | 'reported' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  reportedAt: Date | null;
}

const COLUMNS = `transaction_uid AS "transactionUid", calling_ae AS "callingAe", requested, status, attempts,
  last_error AS "lastError", created_at AS "createdAt", reported_at AS "reportedAt"`;

export const CommitmentRepository = {
  /** False when the transaction exists (a repeated N-ACTION). */
  async insert(m: EntityManager, uid: string, callingAe: string, requested: DicomJson, firstAttemptAt: Date) {
    const rows = await m.query(
      `INSERT INTO dcm_commitment (transaction_uid, calling_ae, requested, status, next_attempt_at)
       VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (transaction_uid) DO NOTHING RETURNING transaction_uid`,
      [uid, callingAe, JSON.stringify(requested), firstAttemptAt],
    );
    return rows.length === 1;
  },

  async get(m: EntityManager, uid: string): Promise<CommitmentRow | undefined> {
    const rows: CommitmentRow[] = await m.query(
      `SELECT ${COLUMNS} FROM dcm_commitment WHERE transaction_uid = $1`,
      [uid],
    );
    return rows[0];
  },

  /** Pending reports whose time has come, claimed for `leaseMs`. */
  claimDue(m: EntityManager, limit: number, leaseMs: number): Promise<CommitmentRow[]> {
    return m.query(
      `WITH c AS (
         UPDATE dcm_commitment SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000)
         WHERE transaction_uid IN (SELECT transaction_uid FROM dcm_commitment
                                   WHERE status = 'pending' AND next_attempt_at <= now()
                                   ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING *)
       SELECT ${COLUMNS} FROM c`,
      [limit, leaseMs],
    );
  },

  async reported(m: EntityManager, uid: string): Promise<void> {
    await m.query(
      `UPDATE dcm_commitment SET status = 'reported', reported_at = now(), last_error = NULL
       WHERE transaction_uid = $1 AND status = 'pending'`,
      [uid],
    );
  },

  async failed(m: EntityManager, uid: string, error: string, giveUp: boolean, next: Date): Promise<void> {
    await m.query(
      `UPDATE dcm_commitment SET attempts = attempts + 1, last_error = $2,
         status = CASE WHEN $3 THEN 'failed' ELSE status END, next_attempt_at = $4
       WHERE transaction_uid = $1`,
      [uid, error, giveUp, next],
    );
  },

  /** Which of these instances are stored, with their SOP class. */
  async stored(m: EntityManager, uids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ uid: string; cls: string }> = await m.query(
      `SELECT sop_instance_uid AS uid, sop_class_uid AS cls FROM dcm_instance WHERE sop_instance_uid = ANY($1)`,
      [uids],
    );
    return new Map(rows.map((r) => [r.uid, r.cls]));
  },
};

import type { EntityManager } from 'typeorm';

export type SubmissionKind = 'check-in' | 'claim';
export type SubmissionStatus = 'pending' | 'accepted' | 'rejected' | 'parked';

export interface SubmissionRow {
  id: string;
  kind: SubmissionKind;
  encounterId: string;
  claimId: string | null;
  documentXml: string;
  status: SubmissionStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  transactionId: string | null;
  createdAt: Date;
}

export interface ReceiptRow {
  attempt: number;
  httpStatus: number | null;
  resultCode: string | null;
  transactionId: string | null;
  receivedAtGateway: string | null;
  message: string | null;
  body: string | null;
  at: Date;
}

const COLUMNS = `id, kind, encounter_id AS "encounterId", claim_id AS "claimId", document_xml AS "documentXml",
  status, attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError",
  transaction_id AS "transactionId", created_at AS "createdAt"`;

/** SQL for the durable queue towards the insurance gateway and its receipts. */
export const SubmissionsRepository = {
  async enqueue(
    m: EntityManager,
    s: { id: string; kind: SubmissionKind; encounterId: string; claimId: string | null; documentXml: string },
  ): Promise<void> {
    await m.query(
      `INSERT INTO cl_submission (id, kind, encounter_id, claim_id, document_xml) VALUES ($1, $2, $3, $4, $5)`,
      [s.id, s.kind, s.encounterId, s.claimId, s.documentXml],
    );
  },

  /** Claims one due document for this worker (SKIP LOCKED: replicas share the queue without sending twice). */
  async claimDue(m: EntityManager): Promise<SubmissionRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM cl_submission WHERE status = 'pending' AND next_attempt_at <= now()
       ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    return rows[0];
  },

  async nextDueAt(m: EntityManager): Promise<Date | undefined> {
    const rows = await m.query(
      `SELECT min(next_attempt_at) AS at FROM cl_submission WHERE status = 'pending'`,
    );
    return rows[0]?.at ?? undefined;
  },

  async receipt(m: EntityManager, submissionId: string, r: Omit<ReceiptRow, 'at'>): Promise<void> {
    await m.query(
      `INSERT INTO cl_receipt (submission_id, attempt, http_status, result_code, transaction_id,
         received_at_gateway, message, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        submissionId,
        r.attempt,
        r.httpStatus,
        r.resultCode,
        r.transactionId,
        r.receivedAtGateway,
        r.message,
        r.body,
      ],
    );
  },

  async settle(
    m: EntityManager,
    id: string,
    s: {
      status: SubmissionStatus;
      attempts: number;
      lastError: string | null;
      transactionId?: string | null;
      nextAttemptAt?: Date;
    },
  ): Promise<void> {
    await m.query(
      `UPDATE cl_submission SET status = $2, attempts = $3, last_error = $4,
         transaction_id = coalesce($5, transaction_id), next_attempt_at = coalesce($6, next_attempt_at),
         updated_at = now() WHERE id = $1`,
      [id, s.status, s.attempts, s.lastError, s.transactionId ?? null, s.nextAttemptAt ?? null],
    );
  },

  async forEncounter(m: EntityManager, encounterId: string): Promise<Omit<SubmissionRow, 'documentXml'>[]> {
    return m.query(
      `SELECT id, kind, encounter_id AS "encounterId", claim_id AS "claimId", status, attempts,
         next_attempt_at AS "nextAttemptAt", last_error AS "lastError", transaction_id AS "transactionId",
         created_at AS "createdAt" FROM cl_submission WHERE encounter_id = $1 ORDER BY created_at`,
      [encounterId],
    );
  },

  async receipts(m: EntityManager, submissionId: string): Promise<ReceiptRow[]> {
    return m.query(
      `SELECT attempt, http_status AS "httpStatus", result_code AS "resultCode", transaction_id AS "transactionId",
         received_at_gateway AS "receivedAtGateway", message, body, at FROM cl_receipt
       WHERE submission_id = $1 ORDER BY id`,
      [submissionId],
    );
  },

  /** Puts a parked document back in the queue once the cause is fixed. */
  async requeue(m: EntityManager, id: string): Promise<boolean> {
    const rows = await m.query(
      `UPDATE cl_submission SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'parked' RETURNING id`,
      [id],
    );
    return rows.length > 0;
  },
};

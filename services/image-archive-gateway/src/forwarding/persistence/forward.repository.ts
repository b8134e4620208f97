import type { EntityManager } from 'typeorm';

export type ForwardStatus = 'queued' | 'sent' | 'parked';

export interface ForwardRow {
  id: string;
  destination: string;
  sopInstanceUid: string;
  sha256: string;
  status: ForwardStatus;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  nextAttemptAt: Date;
  createdAt: Date;
  sentAt: Date | null;
}

const COLUMNS = `id::text, destination, sop_instance_uid AS "sopInstanceUid", sha256, status, attempts,
  last_error AS "lastError", last_status AS "lastStatus", next_attempt_at AS "nextAttemptAt", created_at AS "createdAt",
  sent_at AS "sentAt"`;

/** The forwarding queue (dcm_forward): one row per instance and downstream PACS. */
export const ForwardRepository = {
  /** Queues a stored instance for every forwarding target except the AE it came from. */
  async enqueue(
    m: EntityManager,
    sopInstanceUid: string,
    sha256: string,
    except: string | null,
  ): Promise<void> {
    await m.query(
      `INSERT INTO dcm_forward (destination, sop_instance_uid, sha256, status)
       SELECT ae_title, $1, $2, 'queued' FROM dcm_peer
       WHERE forward AND enabled AND ($3::text IS NULL OR ae_title <> $3)`,
      [sopInstanceUid, sha256, except],
    );
  },

  /** Destinations with something due. */
  async dueDestinations(m: EntityManager): Promise<string[]> {
    const rows: Array<{ destination: string }> = await m.query(
      `SELECT DISTINCT destination FROM dcm_forward WHERE status = 'queued' AND next_attempt_at <= now()`,
    );
    return rows.map((r) => r.destination);
  },

  /**
   * Claims up to `limit` due rows of a destination, oldest first, by pushing their next attempt `leaseMs` ahead:
   * another replica does not take them, and if this one dies they are due again when the lease ends.
   */
  claim(m: EntityManager, destination: string, limit: number, leaseMs: number): Promise<ForwardRow[]> {
    // A CTE: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].
    return m.query(
      `WITH claimed AS (
         UPDATE dcm_forward SET next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
         WHERE id IN (SELECT id FROM dcm_forward WHERE status = 'queued' AND destination = $1
                        AND next_attempt_at <= now() ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING *)
       SELECT ${COLUMNS} FROM claimed ORDER BY id`,
      [destination, limit, leaseMs],
    );
  },

  async sent(m: EntityManager, id: string, status: number): Promise<void> {
    await m.query(
      `UPDATE dcm_forward SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_status = $2,
         last_error = NULL WHERE id = $1`,
      [id, status],
    );
  },

  async failed(
    m: EntityManager,
    id: string,
    error: string,
    status: number | null,
    park: boolean,
    next: Date,
  ) {
    await m.query(
      `UPDATE dcm_forward SET attempts = attempts + 1, last_error = $2, last_status = $3,
         status = CASE WHEN $4 THEN 'parked' ELSE 'queued' END, next_attempt_at = $5 WHERE id = $1`,
      [id, error, status, park, next],
    );
  },

  list(
    m: EntityManager,
    f: { status?: ForwardStatus; destination?: string; limit: number },
  ): Promise<ForwardRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM dcm_forward WHERE ($1::text IS NULL OR status = $1)
         AND ($2::text IS NULL OR destination = $2) ORDER BY id LIMIT $3`,
      [f.status ?? null, f.destination ?? null, f.limit],
    );
  },

  /** Puts parked rows back in the queue (one, or every parked row of a destination). */
  async requeue(m: EntityManager, f: { id?: string; destination?: string }): Promise<number> {
    const rows = await m.query(
      `WITH r AS (UPDATE dcm_forward SET status = 'queued', attempts = 0, next_attempt_at = now()
         WHERE status = 'parked' AND ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR destination = $2)
         RETURNING id) SELECT id FROM r`,
      [f.id ?? null, f.destination ?? null],
    );
    return rows.length;
  },
};

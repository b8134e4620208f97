import type { EntityManager } from 'typeorm';

export interface OutboundRow {
  seq: string;
  id: string;
  connectionId: string;
  messageType: string;
  controlId: string;
  specimenId: string | null;
  raw: Buffer;
  status: 'queued' | 'acked' | 'parked';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  ack: Buffer | null;
  createdAt: Date;
  ackedAt: Date | null;
}

const COLUMNS = `seq::text, id, connection_id AS "connectionId", message_type AS "messageType", control_id AS "controlId",
  specimen_id AS "specimenId", raw, status, attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError",
  ack, created_at AS "createdAt", acked_at AS "ackedAt"`;

export const OutboundRepository = {
  async enqueue(
    m: EntityManager,
    o: {
      id: string;
      connectionId: string;
      messageType: string;
      controlId: string;
      specimenId: string | null;
      raw: Buffer;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO gw_outbound (id, connection_id, message_type, control_id, specimen_id, raw, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'queued')`,
      [o.id, o.connectionId, o.messageType, o.controlId, o.specimenId, o.raw],
    );
  },

  /** The head of a connection's queue: messages go strictly in order, so a waiting head holds the rest. */
  async head(m: EntityManager, connectionId: string): Promise<OutboundRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM gw_outbound WHERE connection_id = $1 AND status = 'queued' ORDER BY seq LIMIT 1`,
      [connectionId],
    );
    return rows[0];
  },

  async acked(m: EntityManager, id: string, ack: Buffer): Promise<void> {
    await m.query(
      `UPDATE gw_outbound SET status = 'acked', ack = $2, acked_at = now(), attempts = attempts + 1 WHERE id = $1`,
      [id, ack],
    );
  },

  async failed(
    m: EntityManager,
    id: string,
    error: string,
    ack: Buffer | null,
    park: boolean,
    retryAt: Date,
  ) {
    await m.query(
      `UPDATE gw_outbound SET attempts = attempts + 1, last_error = $2, ack = COALESCE($3, ack),
         status = CASE WHEN $4 THEN 'parked' ELSE status END, next_attempt_at = $5
       WHERE id = $1`,
      [id, error, ack, park, retryAt],
    );
  },

  /** A parked message back in the queue (after the device or its configuration was fixed). */
  async requeue(m: EntityManager, id: string): Promise<boolean> {
    const rows = await m.query(
      `WITH r AS (UPDATE gw_outbound SET status = 'queued', attempts = 0, next_attempt_at = now()
                  WHERE id = $1 AND status = 'parked' RETURNING id)
       SELECT id FROM r`,
      [id],
    );
    return rows.length > 0;
  },

  async list(
    m: EntityManager,
    f: { connectionId?: string; status?: string; limit: number },
  ): Promise<Array<Omit<OutboundRow, 'raw' | 'ack'>>> {
    return m.query(
      `SELECT seq::text, id, connection_id AS "connectionId", message_type AS "messageType", control_id AS "controlId",
         specimen_id AS "specimenId", status, attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError",
         created_at AS "createdAt", acked_at AS "ackedAt"
       FROM gw_outbound WHERE ($1::text IS NULL OR connection_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY seq DESC LIMIT $3`,
      [f.connectionId ?? null, f.status ?? null, f.limit],
    );
  },

  async get(m: EntityManager, id: string): Promise<OutboundRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM gw_outbound WHERE id = $1`, [id]);
    return rows[0];
  },
};

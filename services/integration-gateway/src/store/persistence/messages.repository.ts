import type { EntityManager } from 'typeorm';

export type MessageStatus = 'accepted' | 'rejected' | 'refused' | 'acked' | 'nak' | 'parked' | 'queued';

export interface StoredMessage {
  id: string;
  receivedAt: Date;
  connectionId: string;
  direction: 'in' | 'out';
  protocol: 'hl7v2' | 'astm';
  messageType: string | null;
  controlId: string | null;
  sender: string | null;
  version: string | null;
  charset: string | null;
  raw: Buffer;
  patientId: string | null;
  specimenIds: string[];
  status: MessageStatus;
  error: string | null;
  ackCode: string | null;
  ack: Buffer | null;
  eventIds: string[];
  replays: number;
}

export interface MessageSearch {
  connectionId?: string;
  messageType?: string;
  status?: string;
  patientId?: string;
  specimenId?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

const COLUMNS = `id, received_at AS "receivedAt", connection_id AS "connectionId", direction, protocol,
  message_type AS "messageType", control_id AS "controlId", sender, version, charset, raw, patient_id AS "patientId",
  specimen_ids AS "specimenIds", status, error, ack_code AS "ackCode", ack, event_ids AS "eventIds", replays`;

export const MessagesRepository = {
  async insert(m: EntityManager, r: Omit<StoredMessage, 'replays'>): Promise<void> {
    await m.query(
      `INSERT INTO gw_message (id, received_at, connection_id, direction, protocol, message_type, control_id, sender,
         version, charset, raw, patient_id, specimen_ids, status, error, ack_code, ack, event_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        r.id,
        r.receivedAt,
        r.connectionId,
        r.direction,
        r.protocol,
        r.messageType,
        r.controlId,
        r.sender,
        r.version,
        r.charset,
        r.raw,
        r.patientId,
        r.specimenIds,
        r.status,
        r.error,
        r.ackCode,
        r.ack,
        r.eventIds,
      ],
    );
  },

  /**
   * Many messages in one statement (the inbound batch): bytes travel as one binary parameter sliced by
   * offset and the per-row arrays as JSON, so node-postgres does not build a bytea[]/text[][] literal by
   * escaping every element (the cost measured in bench/README.md for the outbox).
   */
  async insertAll(m: EntityManager, rows: ReadonlyArray<Omit<StoredMessage, 'replays'>>): Promise<void> {
    if (rows.length === 0) return;
    const blobs: Buffer[] = [];
    let offset = 0;
    const slice = (b: Buffer | null): [number, number] => {
      if (!b) return [-1, 0];
      blobs.push(b);
      offset += b.length;
      return [offset - b.length, b.length];
    };
    const raws = rows.map((r) => slice(r.raw));
    const acks = rows.map((r) => slice(r.ack));
    const col = <T>(f: (r: Omit<StoredMessage, 'replays'>) => T) => rows.map(f);
    await m.query(
      `INSERT INTO gw_message (id, received_at, connection_id, direction, protocol, message_type, control_id, sender,
         version, charset, raw, patient_id, specimen_ids, status, error, ack_code, ack, event_ids)
       SELECT u.id, u.at, u.conn, u.dir, u.proto, u.type, u.ctl, u.sender, u.version, u.charset,
         substring($20::bytea FROM u.raw_off + 1 FOR u.raw_len), u.patient,
         ARRAY(SELECT jsonb_array_elements_text(u.specs::jsonb)), u.status, u.error, u.ack_code,
         CASE WHEN u.ack_off < 0 THEN NULL ELSE substring($20::bytea FROM u.ack_off + 1 FOR u.ack_len) END,
         ARRAY(SELECT jsonb_array_elements_text(u.events::jsonb))::uuid[]
       FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::text[], $11::int[], $12::int[], $13::text[], $14::text[], $15::text[],
         $16::text[], $17::text[], $18::int[], $19::int[], $21::text[])
         AS u(id, at, conn, dir, proto, type, ctl, sender, version, charset, raw_off, raw_len, patient, specs, status,
              error, ack_code, ack_off, ack_len, events)`,
      [
        col((r) => r.id),
        col((r) => r.receivedAt),
        col((r) => r.connectionId),
        col((r) => r.direction),
        col((r) => r.protocol),
        col((r) => r.messageType),
        col((r) => r.controlId),
        col((r) => r.sender),
        col((r) => r.version),
        col((r) => r.charset),
        raws.map((x) => x[0]),
        raws.map((x) => x[1]),
        col((r) => r.patientId),
        col((r) => JSON.stringify(r.specimenIds)),
        col((r) => r.status),
        col((r) => r.error),
        col((r) => r.ackCode),
        acks.map((x) => x[0]),
        acks.map((x) => x[1]),
        Buffer.concat(blobs, offset),
        col((r) => JSON.stringify(r.eventIds)),
      ],
    );
  },

  /**
   * Claims (connection, MSH-10) for many messages at once; returns the message ids that got their key (the
   * others are duplicates, of a stored message or of an earlier one in the same batch).
   */
  async claimKeys(
    m: EntityManager,
    keys: ReadonlyArray<{ connectionId: string; controlId: string; messageId: string; receivedAt: Date }>,
  ): Promise<Set<string>> {
    const rows: Array<{ message_id: string }> = await m.query(
      `INSERT INTO gw_message_key (connection_id, control_id, message_id, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[])
       ON CONFLICT (connection_id, control_id) DO NOTHING RETURNING message_id`,
      [
        keys.map((k) => k.connectionId),
        keys.map((k) => k.controlId),
        keys.map((k) => k.messageId),
        keys.map((k) => k.receivedAt),
      ],
    );
    return new Set(rows.map((r) => r.message_id));
  },

  /** The stored ACKs of messages held under these keys (to ACK a resent message again). */
  async acksByKey(
    m: EntityManager,
    keys: ReadonlyArray<{ connectionId: string; controlId: string }>,
  ): Promise<Map<string, Buffer | null>> {
    const rows: Array<{ connection_id: string; control_id: string; ack: Buffer | null }> = await m.query(
      `SELECT k.connection_id, k.control_id, g.ack FROM gw_message_key k
       LEFT JOIN gw_message g ON g.id = k.message_id AND g.received_at = k.received_at
       WHERE (k.connection_id, k.control_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [keys.map((k) => k.connectionId), keys.map((k) => k.controlId)],
    );
    return new Map(rows.map((r) => [`${r.connection_id}\u0000${r.control_id}`, r.ack]));
  },

  /**
   * Claims (connection, MSH-10) for a new message. Returns the message that already holds it, if any: the
   * sender resent a message we have (HL7 v2.5.1 Ch. 2 §2.10.1, duplicate detection by MSH-10), which is
   * ACKed again and not processed twice.
   */
  async claimKey(
    m: EntityManager,
    connectionId: string,
    controlId: string,
    messageId: string,
    receivedAt: Date,
  ): Promise<{ messageId: string; receivedAt: Date } | undefined> {
    const claimed = await m.query(
      `INSERT INTO gw_message_key (connection_id, control_id, message_id, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (connection_id, control_id) DO NOTHING RETURNING message_id`,
      [connectionId, controlId, messageId, receivedAt],
    );
    if (claimed.length > 0) return undefined;
    const [held] = await m.query(
      `SELECT message_id AS "messageId", received_at AS "receivedAt" FROM gw_message_key
       WHERE connection_id = $1 AND control_id = $2`,
      [connectionId, controlId],
    );
    return held;
  },

  async get(m: EntityManager, id: string, receivedAt?: Date): Promise<StoredMessage | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM gw_message WHERE id = $1 ${receivedAt ? 'AND received_at = $2' : ''}`,
      receivedAt ? [id, receivedAt] : [id],
    );
    return rows[0];
  },

  async search(m: EntityManager, q: MessageSearch): Promise<Array<Omit<StoredMessage, 'raw' | 'ack'>>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.connectionId) where.push(`connection_id = ${p(q.connectionId)}`);
    if (q.messageType) where.push(`message_type LIKE ${p(q.messageType + '%')}`);
    if (q.status) where.push(`status = ${p(q.status)}`);
    if (q.patientId) where.push(`patient_id = ${p(q.patientId)}`);
    if (q.specimenId) where.push(`specimen_ids @> ARRAY[${p(q.specimenId)}]::text[]`);
    if (q.from) where.push(`received_at >= ${p(q.from)}`);
    if (q.to) where.push(`received_at < ${p(q.to)}`);
    return m.query(
      `SELECT id, received_at AS "receivedAt", connection_id AS "connectionId", direction, protocol,
         message_type AS "messageType", control_id AS "controlId", sender, version, charset, patient_id AS "patientId",
         specimen_ids AS "specimenIds", status, error, ack_code AS "ackCode", event_ids AS "eventIds", replays,
         octet_length(raw) AS bytes
       FROM gw_message ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY received_at DESC, id LIMIT ${p(q.limit)}`,
      params,
    );
  },

  /** Accepted inbound messages of a time range, oldest first (for replay). */
  async acceptedBetween(
    m: EntityManager,
    from: Date,
    to: Date,
    connectionId?: string,
  ): Promise<StoredMessage[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM gw_message
       WHERE direction = 'in' AND status = 'accepted' AND received_at >= $1 AND received_at < $2
         AND ($3::text IS NULL OR connection_id = $3)
       ORDER BY received_at, id LIMIT 10000`,
      [from, to, connectionId ?? null],
    );
  },

  async addLineage(m: EntityManager, id: string, receivedAt: Date, eventIds: string[], replayed: boolean) {
    await m.query(
      `UPDATE gw_message SET event_ids = event_ids || $3::uuid[], replays = replays + $4
       WHERE id = $1 AND received_at = $2`,
      [id, receivedAt, eventIds, replayed ? 1 : 0],
    );
  },
};

import type { EntityManager } from 'typeorm';

export type TicketStatus = 'waiting' | 'called' | 'skipped' | 'done';

export interface TicketRow {
  id: string;
  /** What the screen shows and the kiosk prints: "<room>-<NNN>". */
  number: string;
  roomCode: string;
  serviceDate: string;
  seq: number;
  patientId: string;
  patientName: string;
  encounterId: string;
  priority: boolean;
  status: TicketStatus;
  issuedAt: Date;
  calledAt: Date | null;
}

const COLUMNS = `t.id, t.room_code || '-' || lpad(t.seq::text, 3, '0') AS number, t.room_code AS "roomCode",
  to_char(t.service_date, 'YYYY-MM-DD') AS "serviceDate", t.seq, t.patient_id AS "patientId",
  p.full_name AS "patientName", t.encounter_id AS "encounterId", t.priority, t.status, t.issued_at AS "issuedAt",
  t.called_at AS "calledAt"`;

export const QueueRepository = {
  /** The room's next number for the day: one counter row per room and day, incremented under its row lock. */
  async nextSeq(m: EntityManager, room: string, day: string): Promise<number> {
    const [r] = await m.query(
      `INSERT INTO his_queue_counter (room_code, service_date, last_seq) VALUES ($1, $2, 1)
       ON CONFLICT (room_code, service_date) DO UPDATE SET last_seq = his_queue_counter.last_seq + 1
       RETURNING last_seq`,
      [room, day],
    );
    return r.last_seq;
  },

  async insert(
    m: EntityManager,
    t: {
      id: string;
      room: string;
      day: string;
      seq: number;
      patientId: string;
      encounterId: string;
      priority: boolean;
      at: Date;
    },
  ) {
    await m.query(
      `INSERT INTO his_queue_ticket (id, room_code, service_date, seq, patient_id, encounter_id, priority, status, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting', $8)`,
      [t.id, t.room, t.day, t.seq, t.patientId, t.encounterId, t.priority, t.at],
    );
  },

  async get(m: EntityManager, id: string, lock = false): Promise<TicketRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_queue_ticket t JOIN his_patient p ON p.id = t.patient_id WHERE t.id = $1
       ${lock ? 'FOR UPDATE OF t' : ''}`,
      [id],
    );
    return rows[0];
  },

  async forEncounter(m: EntityManager, encounterId: string): Promise<TicketRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_queue_ticket t JOIN his_patient p ON p.id = t.patient_id WHERE t.encounter_id = $1`,
      [encounterId],
    );
    return rows[0];
  },

  async list(m: EntityManager, room: string, day: string): Promise<TicketRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_queue_ticket t JOIN his_patient p ON p.id = t.patient_id
       WHERE t.room_code = $1 AND t.service_date = $2 ORDER BY t.seq`,
      [room, day],
    );
  },

  /**
   * The next waiting ticket of the room, priority tickets (emergency, elderly, children under 6: Law on
   * Medical Examination and Treatment 2023 Art. 48) first, then by number. SKIP LOCKED lets two desks call
   * at once without handing out the same patient.
   */
  async callNext(m: EntityManager, room: string, day: string, at: Date): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await m.query(
      // A CTE: TypeORM returns [rows, count] for a bare UPDATE ... RETURNING, rows for a SELECT.
      `WITH called AS (
         UPDATE his_queue_ticket SET status = 'called', called_at = $3
         WHERE id = (SELECT id FROM his_queue_ticket WHERE room_code = $1 AND service_date = $2 AND status = 'waiting'
                     ORDER BY priority DESC, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id)
       SELECT id FROM called`,
      [room, day, at],
    );
    return rows[0]?.id;
  },

  async setStatus(m: EntityManager, id: string, status: TicketStatus) {
    await m.query(`UPDATE his_queue_ticket SET status = $2 WHERE id = $1`, [id, status]);
  },
};

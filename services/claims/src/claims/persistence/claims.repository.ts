import type { EntityManager } from 'typeorm';
import type { ClaimProblem } from '../domain/problem';

export type ClaimStatus = 'invalid' | 'queued' | 'submitted' | 'rejected' | 'parked' | 'superseded';

export interface ClaimRow {
  id: string;
  encounterId: string;
  patientId: string;
  episodeKey: string;
  version: number;
  status: ClaimStatus;
  layoutVersion: string;
  settlementMonth: string;
  errors: ClaimProblem[];
  totals: Record<string, string>;
  signerSubject: string | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewClaim {
  id: string;
  encounterId: string;
  patientId: string;
  episodeKey: string;
  version: number;
  status: ClaimStatus;
  layoutVersion: string;
  settlementMonth: string;
  errors: ClaimProblem[];
  tables: Record<string, Record<string, string>[]>;
  totals: Record<string, string>;
  envelopeXml: string | null;
  signerSubject: string | null;
  reason: string;
}

const COLUMNS = `id, encounter_id AS "encounterId", patient_id AS "patientId", episode_key AS "episodeKey", version,
  status, layout_version AS "layoutVersion", settlement_month AS "settlementMonth", errors, totals,
  signer_subject AS "signerSubject", reason, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** SQL for claim versions. */
export const ClaimsRepository = {
  async insert(m: EntityManager, c: NewClaim): Promise<void> {
    await m.query(
      `INSERT INTO cl_claim (id, encounter_id, patient_id, episode_key, version, status, layout_version,
         settlement_month, errors, tables, totals, envelope_xml, signer_subject, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        c.id,
        c.encounterId,
        c.patientId,
        c.episodeKey,
        c.version,
        c.status,
        c.layoutVersion,
        c.settlementMonth,
        JSON.stringify(c.errors),
        JSON.stringify(c.tables),
        JSON.stringify(c.totals),
        c.envelopeXml,
        c.signerSubject,
        c.reason,
      ],
    );
  },

  /** An invalid version was never sent: rebuilding it replaces it in place rather than adding versions. */
  async replace(m: EntityManager, c: NewClaim): Promise<void> {
    await m.query(
      `UPDATE cl_claim SET status = $2, layout_version = $3, settlement_month = $4, errors = $5, tables = $6,
         totals = $7, envelope_xml = $8, signer_subject = $9, reason = $10, updated_at = now()
       WHERE id = $1 AND status = 'invalid'`,
      [
        c.id,
        c.status,
        c.layoutVersion,
        c.settlementMonth,
        JSON.stringify(c.errors),
        JSON.stringify(c.tables),
        JSON.stringify(c.totals),
        c.envelopeXml,
        c.signerSubject,
        c.reason,
      ],
    );
  },

  async latest(m: EntityManager, encounterId: string): Promise<ClaimRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM cl_claim WHERE encounter_id = $1 ORDER BY version DESC LIMIT 1`,
      [encounterId],
    );
    return rows[0];
  },

  async get(m: EntityManager, id: string): Promise<ClaimRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM cl_claim WHERE id = $1`, [id]);
    return rows[0];
  },

  async versions(m: EntityManager, encounterId: string): Promise<ClaimRow[]> {
    return m.query(`SELECT ${COLUMNS} FROM cl_claim WHERE encounter_id = $1 ORDER BY version`, [encounterId]);
  },

  async tables(m: EntityManager, id: string): Promise<Record<string, Record<string, string>[]> | undefined> {
    const rows = await m.query(`SELECT tables FROM cl_claim WHERE id = $1`, [id]);
    return rows[0]?.tables;
  },

  async envelope(m: EntityManager, id: string): Promise<string | null | undefined> {
    const rows = await m.query(`SELECT envelope_xml FROM cl_claim WHERE id = $1`, [id]);
    return rows.length ? rows[0].envelope_xml : undefined;
  },

  async setStatus(m: EntityManager, id: string, status: ClaimStatus): Promise<void> {
    await m.query(`UPDATE cl_claim SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
  },

  async search(
    m: EntityManager,
    f: {
      status?: string;
      from?: Date;
      to?: Date;
      patientId?: string;
      month?: string;
      limit: number;
      offset: number;
    },
  ): Promise<ClaimRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM cl_claim
       WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR created_at >= $2)
         AND ($3::timestamptz IS NULL OR created_at < $3) AND ($4::text IS NULL OR patient_id = $4)
         AND ($5::text IS NULL OR settlement_month = $5)
       ORDER BY created_at DESC, version DESC LIMIT $6 OFFSET $7`,
      [
        f.status ?? null,
        f.from ?? null,
        f.to ?? null,
        f.patientId ?? null,
        f.month ?? null,
        f.limit,
        f.offset,
      ],
    );
  },

  /** The month's claims that count: the newest sent version of each episode settled in it. */
  async month(m: EntityManager, month: string): Promise<(ClaimRow & { envelopeXml: string | null })[]> {
    return m.query(
      `SELECT DISTINCT ON (encounter_id) ${COLUMNS}, envelope_xml AS "envelopeXml" FROM cl_claim
       WHERE settlement_month = $1 AND status IN ('queued', 'submitted', 'rejected', 'parked')
       ORDER BY encounter_id, version DESC`,
      [month],
    );
  },
};

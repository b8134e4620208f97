import type { EntityManager } from 'typeorm';
import type { ReportStatus } from '../domain/report';

export type ReportSource = 'ris' | 'external';

export interface ReportRow {
  id: string;
  procedureId: string;
  version: number;
  status: ReportStatus;
  source: ReportSource;
  findings: string;
  impression: string | null;
  addendum: string | null;
  critical: boolean;
  criticalFinding: string | null;
  criticalRaisedAt: Date | null;
  criticalRaisedBy: string | null;
  author: string;
  preliminaryBy: string | null;
  preliminaryAt: Date | null;
  signedBy: string | null;
  signedAt: Date | null;
  /** The final report this one amends (an addendum), and the one that amended this one. */
  amends: string | null;
  amendedBy: string | null;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `r.id, r.procedure_id AS "procedureId", r.version, r.status, r.source, r.findings, r.impression,
  r.addendum, r.critical, r.critical_finding AS "criticalFinding", r.critical_raised_at AS "criticalRaisedAt",
  r.critical_raised_by AS "criticalRaisedBy", r.author, r.preliminary_by AS "preliminaryBy",
  r.preliminary_at AS "preliminaryAt", r.signed_by AS "signedBy", r.signed_at AS "signedAt", r.amends,
  (SELECT n.id FROM ris_report n WHERE n.amends = r.id) AS "amendedBy", r.external_id AS "externalId",
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

export interface NewReport {
  id: string;
  procedureId: string;
  status: ReportStatus;
  source: ReportSource;
  findings: string;
  impression: string | null;
  addendum: string | null;
  critical: { finding: string; at: Date; by: string } | null;
  author: string;
  signed: { by: string; at: Date } | null;
  amends: string | null;
  externalId: string | null;
}

/** SQL for radiology reports. Every function runs in the caller's transaction. */
export const ReportsRepository = {
  /**
   * Inserts a report; false when the procedure already has a live one (the partial unique index) or a report
   * with the same external id exists (the caller tells which).
   */
  async insert(m: EntityManager, r: NewReport): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO ris_report (id, procedure_id, status, source, findings, impression, addendum, critical,
         critical_finding, critical_raised_at, critical_raised_by, author, signed_by, signed_at, amends, external_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        r.id,
        r.procedureId,
        r.status,
        r.source,
        r.findings,
        r.impression,
        r.addendum,
        r.critical !== null,
        r.critical?.finding ?? null,
        r.critical?.at ?? null,
        r.critical?.by ?? null,
        r.author,
        r.signed?.by ?? null,
        r.signed?.at ?? null,
        r.amends,
        r.externalId,
      ],
    );
    return rows.length === 1;
  },

  async get(m: EntityManager, id: string, lock = false): Promise<ReportRow | undefined> {
    if (lock) await m.query(`SELECT 1 FROM ris_report WHERE id = $1 FOR UPDATE`, [id]);
    const rows = await m.query(`SELECT ${COLUMNS} FROM ris_report r WHERE r.id = $1`, [id]);
    return rows[0];
  },

  async byExternalId(m: EntityManager, externalId: string): Promise<ReportRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM ris_report r WHERE r.external_id = $1`, [externalId]);
    return rows[0];
  },

  /** The procedure's live report (draft, preliminary or current final), locked. */
  async liveFor(m: EntityManager, procedureId: string): Promise<ReportRow | undefined> {
    const rows = await m.query(
      `SELECT r.id FROM ris_report r WHERE r.procedure_id = $1 AND r.status IN ('draft', 'preliminary', 'final')`,
      [procedureId],
    );
    return rows[0] ? this.get(m, rows[0].id, true) : undefined;
  },

  async forProcedure(m: EntityManager, procedureId: string): Promise<ReportRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM ris_report r WHERE r.procedure_id = $1 ORDER BY r.created_at, r.id`,
      [procedureId],
    );
  },

  async list(m: EntityManager, f: { status?: ReportStatus; limit: number }): Promise<ReportRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM ris_report r WHERE ($1::text IS NULL OR r.status = $1)
       ORDER BY r.critical DESC, r.updated_at, r.id LIMIT $2`,
      [f.status ?? null, f.limit],
    );
  },

  async edit(
    m: EntityManager,
    id: string,
    e: { findings: string; impression: string | null },
  ): Promise<void> {
    await m.query(
      `UPDATE ris_report SET findings = $2, impression = $3, version = version + 1, updated_at = now() WHERE id = $1`,
      [id, e.findings, e.impression],
    );
  },

  async flagCritical(
    m: EntityManager,
    id: string,
    c: { finding: string; at: Date; by: string },
  ): Promise<void> {
    await m.query(
      `UPDATE ris_report SET critical = true, critical_finding = $2, critical_raised_at = $3, critical_raised_by = $4,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, c.finding, c.at, c.by],
    );
  },

  async makePreliminary(m: EntityManager, id: string, by: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE ris_report SET status = 'preliminary', preliminary_by = $2, preliminary_at = $3,
         version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, by, at],
    );
  },

  async sign(m: EntityManager, id: string, by: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE ris_report SET status = 'final', signed_by = $2, signed_at = $3, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [id, by, at],
    );
  },

  /** The final report an addendum replaces: kept, marked amended (it leaves the live index first). */
  async markAmended(m: EntityManager, id: string): Promise<void> {
    await m.query(
      `UPDATE ris_report SET status = 'amended', version = version + 1, updated_at = now() WHERE id = $1`,
      [id],
    );
  },
};

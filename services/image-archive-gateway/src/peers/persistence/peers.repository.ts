import type { EntityManager } from 'typeorm';
import type { Peer, PeerInput } from '../domain/peer';

const COLUMNS = `ae_title AS "aeTitle", host, port, check_host AS "checkHost", forward, description, enabled,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export const PeersRepository = {
  async upsert(m: EntityManager, p: PeerInput): Promise<Peer> {
    const rows: Peer[] = await m.query(
      `INSERT INTO dcm_peer (ae_title, host, port, check_host, forward, description, enabled)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (ae_title) DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port,
         check_host = EXCLUDED.check_host, forward = EXCLUDED.forward, description = EXCLUDED.description,
         enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING ${COLUMNS}`,
      [p.aeTitle, p.host, p.port, p.checkHost, p.forward, p.description, p.enabled],
    );
    return rows[0];
  },

  async get(m: EntityManager, aeTitle: string): Promise<Peer | undefined> {
    const rows: Peer[] = await m.query(`SELECT ${COLUMNS} FROM dcm_peer WHERE ae_title = $1`, [aeTitle]);
    return rows[0];
  },

  list(m: EntityManager): Promise<Peer[]> {
    return m.query(`SELECT ${COLUMNS} FROM dcm_peer ORDER BY ae_title`);
  },

  /** Enabled peers every stored instance is forwarded to. */
  forwardTargets(m: EntityManager): Promise<Peer[]> {
    return m.query(`SELECT ${COLUMNS} FROM dcm_peer WHERE forward AND enabled ORDER BY ae_title`);
  },

  async remove(m: EntityManager, aeTitle: string): Promise<boolean> {
    // TypeORM answers a bare DELETE ... RETURNING with [rows, count]; a CTE gives the rows.
    const rows = await m.query(
      `WITH d AS (DELETE FROM dcm_peer WHERE ae_title = $1 RETURNING ae_title) SELECT ae_title FROM d`,
      [aeTitle],
    );
    return rows.length > 0;
  },
};

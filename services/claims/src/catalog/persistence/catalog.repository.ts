import type { EntityManager } from 'typeorm';
import type { CatalogEntry } from '../domain/catalog-entry';

/** SQL for the facility's BHYT catalogue details. */
export const CatalogRepository = {
  async upsert(m: EntityManager, items: CatalogEntry[]): Promise<void> {
    await m.query(
      `INSERT INTO cl_catalog_item (code, kind, data)
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])
       ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, data = EXCLUDED.data, updated_at = now()`,
      [items.map((i) => i.code), items.map((i) => i.kind), items.map((i) => JSON.stringify(i))],
    );
  },

  async all(m: EntityManager): Promise<Map<string, CatalogEntry>> {
    const rows: { data: CatalogEntry }[] = await m.query(`SELECT data FROM cl_catalog_item`);
    return new Map(rows.map((r) => [r.data.code, r.data]));
  },

  async get(m: EntityManager, code: string): Promise<CatalogEntry | undefined> {
    const rows: { data: CatalogEntry }[] = await m.query(`SELECT data FROM cl_catalog_item WHERE code = $1`, [
      code,
    ]);
    return rows[0]?.data;
  },
};

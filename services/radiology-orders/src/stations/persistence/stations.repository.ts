import type { EntityManager } from 'typeorm';
import type { Station, StationRow } from '../domain/station';

const COLUMNS = `ae_title AS "aeTitle", name, modality, department_code AS "departmentCode",
  slot_minutes AS "slotMinutes", active, updated_at AS "updatedAt"`;

/** SQL for the stations RIS schedules on. */
export const StationsRepository = {
  async upsert(m: EntityManager, items: Station[]): Promise<void> {
    await m.query(
      `INSERT INTO ris_station (ae_title, name, modality, department_code, slot_minutes, active)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::boolean[])
       ON CONFLICT (ae_title) DO UPDATE SET name = EXCLUDED.name, modality = EXCLUDED.modality,
         department_code = EXCLUDED.department_code, slot_minutes = EXCLUDED.slot_minutes,
         active = EXCLUDED.active, updated_at = now()`,
      [
        items.map((s) => s.aeTitle),
        items.map((s) => s.name),
        items.map((s) => s.modality),
        items.map((s) => s.departmentCode),
        items.map((s) => s.slotMinutes),
        items.map((s) => s.active),
      ],
    );
  },

  async get(m: EntityManager, aeTitle: string, lock = false): Promise<StationRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM ris_station WHERE ae_title = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [aeTitle],
    );
    return rows[0];
  },

  async list(
    m: EntityManager,
    f: { aeTitles?: string[]; modality?: string; active?: boolean } = {},
  ): Promise<StationRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM ris_station
       WHERE ($1::text[] IS NULL OR ae_title = ANY($1)) AND ($2::text IS NULL OR modality = $2)
         AND ($3::boolean IS NULL OR active = $3)
       ORDER BY modality, ae_title`,
      [f.aeTitles ?? null, f.modality ?? null, f.active ?? null],
    );
  },

  /**
   * The active stations of a modality, locked in AE-title order (a fixed order, so two schedulers never wait on
   * each other crosswise): slots are chosen under these locks.
   */
  async lockActiveFor(m: EntityManager, modality: string): Promise<StationRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM ris_station WHERE modality = $1 AND active ORDER BY ae_title FOR UPDATE`,
      [modality],
    );
  },
};

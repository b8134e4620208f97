import type { EntityManager } from 'typeorm';

export const TIMELINE_KINDS = [
  'encounter',
  'order',
  'lab-result',
  'imaging-status',
  'imaging-report',
  'prescription',
  'document',
  'note',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  id: string;
  patientId: string;
  encounterId: string | null;
  kind: TimelineKind;
  /** The order, result, report, prescription or document shown. */
  refId: string;
  occurredAt: Date;
  summary: string;
  detail: Record<string, unknown>;
}

export const TimelineRepository = {
  async insert(m: EntityManager, e: TimelineEntry): Promise<void> {
    await m.query(
      `INSERT INTO his_timeline_entry (id, patient_id, encounter_id, kind, ref_id, occurred_at, summary, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.id, e.patientId, e.encounterId, e.kind, e.refId, e.occurredAt, e.summary, JSON.stringify(e.detail)],
    );
  },

  async forPatients(
    m: EntityManager,
    patientIds: string[],
    f: { encounterId?: string; kinds?: TimelineKind[]; limit: number },
  ): Promise<TimelineEntry[]> {
    return m.query(
      `SELECT id, patient_id AS "patientId", encounter_id AS "encounterId", kind, ref_id AS "refId",
         occurred_at AS "occurredAt", summary, detail
       FROM his_timeline_entry
       WHERE patient_id = ANY($1) AND ($2::uuid IS NULL OR encounter_id = $2) AND ($3::text[] IS NULL OR kind = ANY($3))
       ORDER BY occurred_at, recorded_at, id
       LIMIT $4`,
      [patientIds, f.encounterId ?? null, f.kinds ?? null, f.limit],
    );
  },
};

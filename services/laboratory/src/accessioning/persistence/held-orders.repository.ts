import type { EntityManager } from 'typeorm';
import type { Priority } from '../../shared/domain/codes';
import type { OrderHoldReason } from '../domain/accession';

export type HeldOrderStatus = 'held' | 'accessioned' | 'discarded' | 'cancelled';

export interface HeldOrderRow {
  orderId: string;
  encounterId: string;
  patientId: string;
  serviceCode: string;
  serviceDisplay: string | null;
  priority: Priority;
  orderedAt: Date;
  orderingProviderId: string | null;
  clinicalNote: string | null;
  reasonCode: OrderHoldReason;
  reason: string;
  status: HeldOrderStatus;
  heldAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  discardReason: string | null;
}

const COLUMNS = `order_id AS "orderId", encounter_id AS "encounterId", patient_id AS "patientId",
  service_code AS "serviceCode", service_display AS "serviceDisplay", priority, ordered_at AS "orderedAt",
  ordering_provider_id AS "orderingProviderId", clinical_note AS "clinicalNote", reason_code AS "reasonCode", reason,
  status, held_at AS "heldAt", resolved_at AS "resolvedAt", resolved_by AS "resolvedBy",
  discard_reason AS "discardReason"`;

/** SQL for laboratory orders held because LIS has no (active) definition of their test. */
export const HeldOrdersRepository = {
  async insert(
    m: EntityManager,
    o: Omit<HeldOrderRow, 'status' | 'resolvedAt' | 'resolvedBy' | 'discardReason'>,
  ): Promise<void> {
    await m.query(
      `INSERT INTO lab_held_order (order_id, encounter_id, patient_id, service_code, service_display, priority,
         ordered_at, ordering_provider_id, clinical_note, reason_code, reason, status, held_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'held', $12)`,
      [
        o.orderId,
        o.encounterId,
        o.patientId,
        o.serviceCode,
        o.serviceDisplay,
        o.priority,
        o.orderedAt,
        o.orderingProviderId,
        o.clinicalNote,
        o.reasonCode,
        o.reason,
        o.heldAt,
      ],
    );
  },

  async get(m: EntityManager, orderId: string, lock = false): Promise<HeldOrderRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM lab_held_order WHERE order_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [orderId],
    );
    return rows[0];
  },

  /** Orders still held for any of these service codes, locked, oldest first. */
  async heldFor(m: EntityManager, codes: string[]): Promise<HeldOrderRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM lab_held_order WHERE status = 'held' AND service_code = ANY($1)
       ORDER BY held_at, order_id FOR UPDATE`,
      [codes],
    );
  },

  async list(m: EntityManager, f: { status: HeldOrderStatus; limit: number }): Promise<HeldOrderRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM lab_held_order WHERE status = $1 ORDER BY held_at, order_id LIMIT $2`,
      [f.status, f.limit],
    );
  },

  async close(
    m: EntityManager,
    orderId: string,
    c: { status: Exclude<HeldOrderStatus, 'held'>; by: string | null; at: Date; reason?: string },
  ): Promise<void> {
    await m.query(
      `UPDATE lab_held_order SET status = $2, resolved_by = $3, resolved_at = $4, discard_reason = $5
       WHERE order_id = $1`,
      [orderId, c.status, c.by, c.at, c.reason ?? null],
    );
  },
};

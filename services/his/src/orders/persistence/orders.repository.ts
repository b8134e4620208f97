import type { EntityManager } from 'typeorm';
import type { OrderPriority, OrderStatus } from '../domain/order';

export interface OrderRow {
  id: string;
  encounterId: string;
  patientId: string;
  serviceCode: string;
  serviceName: string;
  category: string;
  priority: OrderPriority;
  quantity: number;
  status: OrderStatus;
  accessionNumber: string | null;
  orderingProviderId: string;
  clinicalNote: string | null;
  cancelReason: string | null;
  orderedAt: Date;
  updatedAt: Date;
  version: number;
}

const COLUMNS = `o.id, o.encounter_id AS "encounterId", o.patient_id AS "patientId", o.service_code AS "serviceCode",
  s.name AS "serviceName", o.category, o.priority, o.quantity, o.status, o.accession_number AS "accessionNumber",
  o.ordering_provider_id AS "orderingProviderId", o.clinical_note AS "clinicalNote", o.cancel_reason AS "cancelReason",
  o.ordered_at AS "orderedAt", o.updated_at AS "updatedAt", o.version`;

export const OrdersRepository = {
  async insert(
    m: EntityManager,
    o: Omit<
      OrderRow,
      'serviceName' | 'status' | 'accessionNumber' | 'cancelReason' | 'updatedAt' | 'version'
    >,
  ) {
    await m.query(
      `INSERT INTO his_order (id, encounter_id, patient_id, service_code, category, priority, quantity, status,
         ordering_provider_id, clinical_note, ordered_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'placed', $8, $9, $10, $10)`,
      [
        o.id,
        o.encounterId,
        o.patientId,
        o.serviceCode,
        o.category,
        o.priority,
        o.quantity,
        o.orderingProviderId,
        o.clinicalNote,
        o.orderedAt,
      ],
    );
  },

  async get(m: EntityManager, id: string, lock = false): Promise<OrderRow | undefined> {
    if (lock) await m.query(`SELECT 1 FROM his_order WHERE id = $1 FOR UPDATE`, [id]);
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_order o JOIN his_service_catalog s ON s.code = o.service_code WHERE o.id = $1`,
      [id],
    );
    return rows[0];
  },

  async forEncounter(m: EntityManager, encounterId: string): Promise<OrderRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_order o JOIN his_service_catalog s ON s.code = o.service_code
       WHERE o.encounter_id = $1 ORDER BY o.ordered_at, o.id`,
      [encounterId],
    );
  },

  async setStatus(m: EntityManager, id: string, status: OrderStatus, accession: string | null, at: Date) {
    await m.query(
      `UPDATE his_order SET status = $2, accession_number = COALESCE($3, accession_number), updated_at = $4,
         version = version + 1
       WHERE id = $1`,
      [id, status, accession, at],
    );
  },

  async cancel(m: EntityManager, id: string, reason: string, at: Date) {
    await m.query(
      `UPDATE his_order SET status = 'cancelled', cancel_reason = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
      [id, reason, at],
    );
  },
};

import type { EntityManager } from 'typeorm';
import type { WorkOrder } from '../domain/work-order';

export const WorkOrdersRepository = {
  async upsert(m: EntityManager, w: WorkOrder): Promise<void> {
    await m.query(
      `INSERT INTO gw_work_order (specimen_id, work_order_id, patient_id, work_order, status)
       VALUES ($1, $2, $3, $4, 'released')
       ON CONFLICT (specimen_id) DO UPDATE SET work_order_id = EXCLUDED.work_order_id, patient_id = EXCLUDED.patient_id,
         work_order = EXCLUDED.work_order, status = 'released', updated_at = now()`,
      [w.specimenId, w.workOrderId, w.patientId, JSON.stringify(w)],
    );
  },

  async cancel(m: EntityManager, specimenId: string): Promise<WorkOrder | undefined> {
    const rows: Array<{ work_order: WorkOrder }> = await m.query(
      `WITH c AS (UPDATE gw_work_order SET status = 'cancelled', updated_at = now()
                  WHERE specimen_id = $1 AND status = 'released' RETURNING work_order)
       SELECT work_order FROM c`,
      [specimenId],
    );
    return rows[0]?.work_order;
  },

  /** Released (not cancelled) work orders for these barcodes. */
  async released(m: EntityManager, specimenIds: string[]): Promise<WorkOrder[]> {
    const rows: Array<{ work_order: WorkOrder }> = await m.query(
      `SELECT work_order FROM gw_work_order WHERE specimen_id = ANY($1) AND status = 'released' ORDER BY specimen_id`,
      [specimenIds],
    );
    return rows.map((r) => r.work_order);
  },
};

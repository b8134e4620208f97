import type { EntityManager } from 'typeorm';
import type { ChargeItemType } from '../domain/charge';

export interface ChargeRow {
  id: string;
  encounterId: string;
  patientId: string;
  itemType: ChargeItemType;
  itemCode: string;
  itemName: string;
  quantity: string;
  unitPriceHospital: string;
  unitPriceInsurance: string | null;
  coveragePercent: string;
  amountHospital: string;
  amountInsurance: string;
  insurerPays: string;
  patientCopay: string;
  patientPays: string;
  sourceId: string | null;
  reverses: string | null;
  reversedBy: string | null;
  reason: string | null;
  postedBy: string | null;
  postedAt: Date;
  /** MA_KHOA: the encounter's department when the line was posted (null on lines posted before it was kept). */
  departmentCode: string | null;
  /** The card whose coverage priced the line; null when self-paying (or posted before it was kept). */
  insuranceCardNumber: string | null;
  /** MA_GIUONG of a bed-day line. */
  bedCode: string | null;
  /** MA_BAC_SI: the ordering provider or prescriber, else who posted the line. */
  orderedBy: string | null;
  /** NGAY_YL: the order's or prescription's time, else the posting time. */
  orderedAt: Date | null;
}

export interface LedgerTotals {
  lines: number;
  amountHospital: string;
  amountInsurance: string;
  insurerPays: string;
  patientCopay: string;
  patientPays: string;
  /** What the patient owes: co-payment plus out-of-scope items. */
  patientTotal: string;
}

const COLUMNS = `c.id, c.encounter_id AS "encounterId", c.patient_id AS "patientId", c.item_type AS "itemType",
  c.item_code AS "itemCode", c.item_name AS "itemName", trim_scale(c.quantity)::text AS quantity,
  trim_scale(c.unit_price_hospital)::text AS "unitPriceHospital",
  trim_scale(c.unit_price_insurance)::text AS "unitPriceInsurance",
  trim_scale(c.coverage_percent)::text AS "coveragePercent", c.amount_hospital::text AS "amountHospital",
  c.amount_insurance::text AS "amountInsurance", c.insurer_pays::text AS "insurerPays",
  c.patient_copay::text AS "patientCopay", c.patient_pays::text AS "patientPays", c.source_id AS "sourceId",
  c.reverses, (SELECT r.id FROM his_charge r WHERE r.reverses = c.id) AS "reversedBy", c.reason,
  c.posted_by AS "postedBy", c.posted_at AS "postedAt", c.department_code AS "departmentCode",
  c.insurance_card_number AS "insuranceCardNumber", c.bed_code AS "bedCode", c.ordered_by AS "orderedBy",
  c.ordered_at AS "orderedAt"`;

export interface NewCharge {
  id: string;
  encounterId: string;
  patientId: string;
  itemType: ChargeItemType;
  itemCode: string;
  itemName: string;
  quantity: string;
  unitPriceHospital: string;
  unitPriceInsurance: string | null;
  coveragePercent: string;
  amountHospital: string;
  amountInsurance: string;
  insurerPays: string;
  patientCopay: string;
  patientPays: string;
  sourceId: string | null;
  postedBy: string | null;
  postedAt: Date;
  departmentCode: string;
  insuranceCardNumber: string | null;
  bedCode: string | null;
  orderedBy: string | null;
  orderedAt: Date;
}

/** The ledger is append-only (a trigger refuses UPDATE and DELETE): corrections are reversal lines. */
export const ChargesRepository = {
  async insert(m: EntityManager, c: NewCharge): Promise<void> {
    await m.query(
      `INSERT INTO his_charge (id, encounter_id, patient_id, item_type, item_code, item_name, quantity,
         unit_price_hospital, unit_price_insurance, coverage_percent, amount_hospital, amount_insurance, insurer_pays,
         patient_copay, patient_pays, source_id, posted_by, posted_at, department_code, insurance_card_number, bed_code,
         ordered_by, ordered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         $23)`,
      [
        c.id,
        c.encounterId,
        c.patientId,
        c.itemType,
        c.itemCode,
        c.itemName,
        c.quantity,
        c.unitPriceHospital,
        c.unitPriceInsurance,
        c.coveragePercent,
        c.amountHospital,
        c.amountInsurance,
        c.insurerPays,
        c.patientCopay,
        c.patientPays,
        c.sourceId,
        c.postedBy,
        c.postedAt,
        c.departmentCode,
        c.insuranceCardNumber,
        c.bedCode,
        c.orderedBy,
        c.orderedAt,
      ],
    );
  },

  /**
   * Posts the exact negation of a line, with the original's department, card, bed and order so that the claim
   * nets it against the same XML3 row. The UNIQUE on `reverses` refuses a second reversal.
   */
  async insertReversal(
    m: EntityManager,
    id: string,
    original: string,
    reason: string,
    by: string | null,
    at: Date,
  ) {
    await m.query(
      `INSERT INTO his_charge (id, encounter_id, patient_id, item_type, item_code, item_name, quantity,
         unit_price_hospital, unit_price_insurance, coverage_percent, amount_hospital, amount_insurance, insurer_pays,
         patient_copay, patient_pays, source_id, reverses, reason, posted_by, posted_at, department_code,
         insurance_card_number, bed_code, ordered_by, ordered_at)
       SELECT $1, encounter_id, patient_id, item_type, item_code, item_name, -quantity, unit_price_hospital,
         unit_price_insurance, coverage_percent, -amount_hospital, -amount_insurance, -insurer_pays, -patient_copay,
         -patient_pays, source_id, id, $3, $4, $5, department_code, insurance_card_number, bed_code, ordered_by,
         ordered_at
       FROM his_charge WHERE id = $2`,
      [id, original, reason, by, at],
    );
  },

  async get(m: EntityManager, id: string, lock = false): Promise<ChargeRow | undefined> {
    // FOR SHARE, not FOR UPDATE: the rows are append-only (the trigger fires on UPDATE, not on row locks of
    // other kinds), and two reversals of one line are serialised by the UNIQUE (reverses) constraint anyway.
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_charge c WHERE c.id = $1 ${lock ? 'FOR SHARE' : ''}`,
      [id],
    );
    return rows[0];
  },

  async forEncounter(m: EntityManager, encounterId: string): Promise<ChargeRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_charge c WHERE c.encounter_id = $1 ORDER BY c.posted_at, c.id`,
      [encounterId],
    );
  },

  /** Unreversed lines that came from an order or prescription (to reverse them when it is cancelled). */
  async openForSource(m: EntityManager, sourceId: string): Promise<ChargeRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_charge c
       WHERE c.source_id = $1 AND c.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM his_charge r WHERE r.reverses = c.id)`,
      [sourceId],
    );
  },

  async totals(m: EntityManager, encounterId: string): Promise<LedgerTotals> {
    const [t] = await m.query(
      `SELECT count(*)::int AS lines,
         COALESCE(sum(amount_hospital), 0)::numeric(17, 2)::text AS "amountHospital",
         COALESCE(sum(amount_insurance), 0)::numeric(17, 2)::text AS "amountInsurance",
         COALESCE(sum(insurer_pays), 0)::numeric(17, 2)::text AS "insurerPays",
         COALESCE(sum(patient_copay), 0)::numeric(17, 2)::text AS "patientCopay",
         COALESCE(sum(patient_pays), 0)::numeric(17, 2)::text AS "patientPays",
         COALESCE(sum(patient_copay + patient_pays), 0)::numeric(17, 2)::text AS "patientTotal"
       FROM his_charge WHERE encounter_id = $1`,
      [encounterId],
    );
    return t;
  },
};

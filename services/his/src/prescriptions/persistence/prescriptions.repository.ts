import type { PrescriptionTypeLetter } from '@hosp/standards-bhyt';
import type { EntityManager } from 'typeorm';

export interface PrescriptionItemRow {
  line: number;
  drugCode: string;
  /** From the drug catalogue (TEN_THUOC, TEN_HOAT_CHAT, HAM_LUONG, DUONG_DUNG, DON_VI_TINH). */
  drugName: string;
  activeIngredient: string;
  strength: string;
  route: string;
  unit: string;
  quantity: string;
  dosage: string;
  instructions: string | null;
  days: number;
}

export interface PrescriptionRow {
  id: string;
  prescriptionCode: string;
  encounterId: string;
  patientId: string;
  type: PrescriptionTypeLetter;
  prescriberId: string;
  diagnosis: string | null;
  advice: string | null;
  issuedAt: Date;
  items: PrescriptionItemRow[];
}

export interface NewPrescription {
  id: string;
  prescriptionCode: string;
  encounterId: string;
  patientId: string;
  type: PrescriptionTypeLetter;
  prescriberId: string;
  diagnosis: string | null;
  advice: string | null;
  issuedAt: Date;
  items: Array<{
    drugCode: string;
    quantity: string;
    dosage: string;
    instructions: string | null;
    days: number;
  }>;
}

const COLUMNS = `p.id, p.prescription_code AS "prescriptionCode", p.encounter_id AS "encounterId",
  p.patient_id AS "patientId", p.prescription_type AS type, p.prescriber_id AS "prescriberId", p.diagnosis,
  p.advice, p.issued_at AS "issuedAt",
  COALESCE((SELECT json_agg(json_build_object(
      'line', i.line, 'drugCode', i.drug_code, 'drugName', d.name, 'activeIngredient', d.active_ingredient,
      'strength', d.strength, 'route', d.route, 'unit', d.unit, 'quantity', trim_scale(i.quantity)::text,
      'dosage', i.dosage, 'instructions', i.instructions, 'days', i.days) ORDER BY i.line)
    FROM his_prescription_item i JOIN his_drug_catalog d ON d.code = i.drug_code
    WHERE i.prescription_id = p.id), '[]') AS items`;

/** SQL for prescriptions. Every function runs in the caller's transaction (its EntityManager). */
export const PrescriptionsRepository = {
  /** The next running number for the 7-character part of the national code. */
  async codeExists(m: EntityManager, code: string): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM his_prescription WHERE prescription_code = $1`, [code]);
    return rows.length > 0;
  },

  async insert(m: EntityManager, p: NewPrescription): Promise<void> {
    await m.query(
      `INSERT INTO his_prescription (id, prescription_code, encounter_id, patient_id, prescription_type,
         prescriber_id, diagnosis, advice, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        p.id,
        p.prescriptionCode,
        p.encounterId,
        p.patientId,
        p.type,
        p.prescriberId,
        p.diagnosis,
        p.advice,
        p.issuedAt,
      ],
    );
    await m.query(
      `INSERT INTO his_prescription_item (prescription_id, line, drug_code, quantity, dosage, instructions, days)
       SELECT $1, u.line, u.drug_code, u.quantity, u.dosage, u.instructions, u.days
       FROM unnest($2::int[], $3::text[], $4::numeric[], $5::text[], $6::text[], $7::int[])
         AS u(line, drug_code, quantity, dosage, instructions, days)`,
      [
        p.id,
        p.items.map((_, i) => i + 1),
        p.items.map((i) => i.drugCode),
        p.items.map((i) => i.quantity),
        p.items.map((i) => i.dosage),
        p.items.map((i) => i.instructions),
        p.items.map((i) => i.days),
      ],
    );
  },

  async get(m: EntityManager, id: string): Promise<PrescriptionRow | undefined> {
    const rows = await m.query(`SELECT ${COLUMNS} FROM his_prescription p WHERE p.id = $1`, [id]);
    return rows[0];
  },

  async forEncounter(m: EntityManager, encounterId: string): Promise<PrescriptionRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_prescription p WHERE p.encounter_id = $1 ORDER BY p.issued_at, p.prescription_code`,
      [encounterId],
    );
  },
};

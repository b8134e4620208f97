import type { EntityManager } from 'typeorm';
import type { CareRoute, EncounterClass, EncounterStatus, Referral } from '../domain/encounter';

export interface EncounterRow {
  id: string;
  patientId: string;
  encounterClass: EncounterClass;
  visitType: string;
  status: EncounterStatus;
  departmentCode: string;
  bedCode: string | null;
  roomCode: string | null;
  insuranceCardId: string | null;
  insuranceCardNumber: string | null;
  benefitLevel: number | null;
  coveragePercent: string | null;
  route: CareRoute | null;
  mainDiagnosis: string | null;
  secondaryDiagnoses: string[];
  outcome: string | null;
  dischargeType: string | null;
  /** The referral letter of a referred discharge (MA_LOAI_RV 2 or 5), else null. */
  referral: Referral | null;
  /** The re-exam appointment day, 'YYYY-MM-DD', or null. */
  followUpDate: string | null;
  treatmentSummary: string | null;
  /** Who discharged the patient (the token subject). */
  dischargedBy: string | null;
  startedAt: Date;
  dischargedAt: Date | null;
  closedAt: Date | null;
  version: number;
  movements?: Array<{
    fromDepartment: string | null;
    toDepartment: string;
    bedCode: string | null;
    movedAt: Date;
  }>;
  coveragePeriods?: CoveragePeriodRow[];
}

/** One period of the encounter's coverage; the current one has no `effectiveTo`. */
export interface CoveragePeriodRow {
  /** null: self-paying during the period. */
  insuranceCardNumber: string | null;
  benefitLevel: number | null;
  coveragePercent: string | null;
  route: CareRoute | null;
  cardValidFrom: string | null;
  cardValidTo: string | null;
  registrationFacility: string | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  reason: string | null;
  changedBy: string | null;
}

export interface NewCoverage {
  insuranceCardId: string | null;
  coveragePercent: string | null;
  route: CareRoute | null;
  at: Date;
  reason: string | null;
  changedBy: string | null;
}

const COLUMNS = `e.id, e.patient_id AS "patientId", e.encounter_class AS "encounterClass", e.visit_type AS "visitType",
  e.status, e.department_code AS "departmentCode", e.bed_code AS "bedCode", e.room_code AS "roomCode",
  e.insurance_card_id AS "insuranceCardId", c.card_number AS "insuranceCardNumber", c.benefit_level AS "benefitLevel",
  trim_scale(e.coverage_percent)::text AS "coveragePercent", e.route, e.main_diagnosis AS "mainDiagnosis",
  e.secondary_diagnoses AS "secondaryDiagnoses", e.outcome, e.discharge_type AS "dischargeType", e.referral,
  to_char(e.follow_up_date, 'YYYY-MM-DD') AS "followUpDate", e.treatment_summary AS "treatmentSummary",
  e.discharged_by AS "dischargedBy", e.started_at AS "startedAt", e.discharged_at AS "dischargedAt",
  e.closed_at AS "closedAt", e.version`;

export interface NewEncounter {
  id: string;
  patientId: string;
  encounterClass: EncounterClass;
  visitType: string;
  departmentCode: string;
  roomCode: string | null;
  bedCode: string | null;
  insuranceCardId: string | null;
  coveragePercent: string | null;
  route: CareRoute | null;
  startedAt: Date;
}

export const EncountersRepository = {
  async insert(m: EntityManager, e: NewEncounter): Promise<void> {
    await m.query(
      `INSERT INTO his_encounter (id, patient_id, encounter_class, visit_type, status, department_code, room_code,
         bed_code, insurance_card_id, coverage_percent, route, started_at)
       VALUES ($1, $2, $3, $4, 'in-progress', $5, $6, $7, $8, $9, $10, $11)`,
      [
        e.id,
        e.patientId,
        e.encounterClass,
        e.visitType,
        e.departmentCode,
        e.roomCode,
        e.bedCode,
        e.insuranceCardId,
        e.coveragePercent,
        e.route,
        e.startedAt,
      ],
    );
    await m.query(
      `INSERT INTO his_encounter_movement (encounter_id, from_department, to_department, bed_code, moved_at)
       VALUES ($1, NULL, $2, $3, $4)`,
      [e.id, e.departmentCode, e.bedCode, e.startedAt],
    );
    await insertCoveragePeriod(m, e.id, {
      insuranceCardId: e.insuranceCardId,
      coveragePercent: e.coveragePercent,
      route: e.route,
      at: e.startedAt,
      reason: null,
      changedBy: null,
    });
  },

  async get(m: EntityManager, id: string, lock = false): Promise<EncounterRow | undefined> {
    if (lock) await m.query(`SELECT 1 FROM his_encounter WHERE id = $1 FOR UPDATE`, [id]);
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_encounter e LEFT JOIN his_insurance_card c ON c.id = e.insurance_card_id
       WHERE e.id = $1`,
      [id],
    );
    return rows[0];
  },

  async movements(m: EntityManager, id: string): Promise<EncounterRow['movements']> {
    return m.query(
      `SELECT from_department AS "fromDepartment", to_department AS "toDepartment", bed_code AS "bedCode",
         moved_at AS "movedAt"
       FROM his_encounter_movement WHERE encounter_id = $1 ORDER BY moved_at, id`,
      [id],
    );
  },

  async coveragePeriods(m: EntityManager, id: string): Promise<CoveragePeriodRow[]> {
    return m.query(
      `SELECT c.card_number AS "insuranceCardNumber", c.benefit_level AS "benefitLevel",
         trim_scale(v.coverage_percent)::text AS "coveragePercent", v.route,
         to_char(c.valid_from, 'YYYY-MM-DD') AS "cardValidFrom", to_char(c.valid_to, 'YYYY-MM-DD') AS "cardValidTo",
         c.registration_facility AS "registrationFacility", v.effective_from AS "effectiveFrom",
         v.effective_to AS "effectiveTo", v.reason, v.changed_by AS "changedBy"
       FROM his_encounter_coverage v LEFT JOIN his_insurance_card c ON c.id = v.insurance_card_id
       WHERE v.encounter_id = $1 ORDER BY v.effective_from, v.id`,
      [id],
    );
  },

  /**
   * Replaces the encounter's current coverage: the open period ends at `c.at` and the new one starts there.
   * The caller holds the encounter's row lock, so no charge is priced in between.
   */
  async changeCoverage(m: EntityManager, id: string, c: NewCoverage): Promise<void> {
    await m.query(
      `UPDATE his_encounter SET insurance_card_id = $2, coverage_percent = $3, route = $4, version = version + 1
       WHERE id = $1`,
      [id, c.insuranceCardId, c.coveragePercent, c.route],
    );
    await m.query(
      `UPDATE his_encounter_coverage SET effective_to = $2 WHERE encounter_id = $1 AND effective_to IS NULL`,
      [id, c.at],
    );
    await insertCoveragePeriod(m, id, c);
  },

  async forPatients(m: EntityManager, patientIds: string[]): Promise<EncounterRow[]> {
    return m.query(
      `SELECT ${COLUMNS} FROM his_encounter e LEFT JOIN his_insurance_card c ON c.id = e.insurance_card_id
       WHERE e.patient_id = ANY($1) ORDER BY e.started_at DESC`,
      [patientIds],
    );
  },

  /** An open encounter of the patient that started on the same facility day (a duplicate check-in). */
  async openOnDay(m: EntityManager, patientId: string, day: string): Promise<EncounterRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM his_encounter e LEFT JOIN his_insurance_card c ON c.id = e.insurance_card_id
       WHERE e.patient_id = $1 AND e.status = 'in-progress'
         AND (e.started_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = $2::date
       LIMIT 1`,
      [patientId, day],
    );
    return rows[0];
  },

  async transfer(m: EntityManager, id: string, from: string, to: string, bed: string | null, at: Date) {
    await m.query(
      `UPDATE his_encounter SET department_code = $2, bed_code = $3, version = version + 1 WHERE id = $1`,
      [id, to, bed],
    );
    await m.query(
      `INSERT INTO his_encounter_movement (encounter_id, from_department, to_department, bed_code, moved_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, from, to, bed, at],
    );
  },

  async setDiagnoses(m: EntityManager, id: string, main: string | null, secondary: string[]) {
    await m.query(
      `UPDATE his_encounter SET main_diagnosis = $2, secondary_diagnoses = $3, version = version + 1 WHERE id = $1`,
      [id, main, secondary],
    );
  },

  async discharge(
    m: EntityManager,
    id: string,
    d: {
      outcome: string;
      dischargeType: string;
      mainDiagnosis: string;
      secondaryDiagnoses: string[];
      at: Date;
      referral: Referral | null;
      followUpDate: string | null;
      treatmentSummary: string | null;
      dischargedBy: string | null;
    },
  ) {
    await m.query(
      `UPDATE his_encounter SET status = 'discharged', outcome = $2, discharge_type = $3, main_diagnosis = $4,
         secondary_diagnoses = $5, discharged_at = $6, referral = $7, follow_up_date = $8, treatment_summary = $9,
         discharged_by = $10, version = version + 1
       WHERE id = $1`,
      [
        id,
        d.outcome,
        d.dischargeType,
        d.mainDiagnosis,
        d.secondaryDiagnoses,
        d.at,
        d.referral ? JSON.stringify(d.referral) : null,
        d.followUpDate,
        d.treatmentSummary,
        d.dischargedBy,
      ],
    );
  },

  async setStatus(m: EntityManager, id: string, status: EncounterStatus, at: Date) {
    await m.query(
      `UPDATE his_encounter SET status = $2, closed_at = CASE WHEN $2 = 'closed' THEN $3::timestamptz END,
         version = version + 1
       WHERE id = $1`,
      [id, status, at],
    );
  },
};

async function insertCoveragePeriod(m: EntityManager, encounterId: string, c: NewCoverage): Promise<void> {
  await m.query(
    `INSERT INTO his_encounter_coverage (encounter_id, insurance_card_id, coverage_percent, route, effective_from,
       reason, changed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [encounterId, c.insuranceCardId, c.coveragePercent, c.route, c.at, c.reason, c.changedBy],
  );
}

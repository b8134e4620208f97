import type { EntityManager } from 'typeorm';
import type { AutoVerificationOutcome } from '../../test-definitions/domain/auto-verification';
import type { Flag } from '../../test-definitions/domain/flags';
import type { ResultStatus } from '../domain/result';

export interface ResultRow {
  /** The logical result: shared by its versions, named by events and the API. */
  id: string;
  version: number;
  barcode: string;
  accessionNumber: string;
  patientId: string;
  orderId: string;
  serviceCode: string;
  testName: string;
  loinc: string | null;
  value: string;
  deviceValue: string | null;
  unit: string | null;
  referenceRange: string | null;
  abnormalFlag: Flag | null;
  deviceFlags: string | null;
  critical: boolean;
  status: ResultStatus;
  resultStatus: string | null;
  deviceId: string | null;
  deviceCode: string | null;
  reportId: string | null;
  heldResultId: string | null;
  observedAt: Date | null;
  resultedAt: Date;
  autoVerification: AutoVerificationOutcome | null;
  autoVerifiedRule: string | null;
  technicalValidator: string | null;
  technicalValidatedAt: Date | null;
  medicalValidator: string | null;
  medicalValidatedAt: Date | null;
  releasedAt: Date | null;
  correctedBy: string | null;
  correctionReason: string | null;
}

export type NewResult = Omit<
  ResultRow,
  | 'accessionNumber'
  | 'patientId'
  | 'testName'
  | 'loinc'
  | 'technicalValidator'
  | 'technicalValidatedAt'
  | 'medicalValidator'
  | 'medicalValidatedAt'
>;

const COLUMNS = `r.result_id AS id, r.version, r.barcode, s.accession_number AS "accessionNumber",
  a.patient_id AS "patientId", r.order_id AS "orderId", r.service_code AS "serviceCode", d.name AS "testName",
  d.loinc, r.value, r.device_value AS "deviceValue", r.unit, r.reference_range AS "referenceRange",
  r.abnormal_flag AS "abnormalFlag", r.device_flags AS "deviceFlags", r.critical, r.status,
  r.result_status AS "resultStatus", r.device_id AS "deviceId", r.device_code AS "deviceCode",
  r.report_id AS "reportId", r.held_result_id AS "heldResultId", r.observed_at AS "observedAt",
  r.resulted_at AS "resultedAt", r.auto_verification AS "autoVerification", r.auto_verified_rule AS "autoVerifiedRule",
  r.technical_validator AS "technicalValidator", r.technical_validated_at AS "technicalValidatedAt",
  r.medical_validator AS "medicalValidator", r.medical_validated_at AS "medicalValidatedAt",
  r.released_at AS "releasedAt", r.corrected_by AS "correctedBy", r.correction_reason AS "correctionReason"`;
const FROM = `lab_result r JOIN lab_specimen s ON s.barcode = r.barcode
  JOIN lab_accession a ON a.accession_number = s.accession_number
  JOIN lab_test_definition d ON d.service_code = r.service_code`;

/** SQL for results. Versions are only added; a version's status and validation stamps are what changes. */
export const ResultsRepository = {
  async insert(m: EntityManager, r: NewResult): Promise<void> {
    await m.query(
      `INSERT INTO lab_result (result_id, version, barcode, order_id, service_code, value, device_value, unit,
         reference_range, abnormal_flag, device_flags, critical, status, result_status, device_id, device_code,
         report_id, held_result_id, observed_at, resulted_at, auto_verification, auto_verified_rule, released_at,
         corrected_by, correction_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         $23, $24, $25)`,
      [
        r.id,
        r.version,
        r.barcode,
        r.orderId,
        r.serviceCode,
        r.value,
        r.deviceValue,
        r.unit,
        r.referenceRange,
        r.abnormalFlag,
        r.deviceFlags,
        r.critical,
        r.status,
        r.resultStatus,
        r.deviceId,
        r.deviceCode,
        r.reportId,
        r.heldResultId,
        r.observedAt,
        r.resultedAt,
        r.autoVerification ? JSON.stringify(r.autoVerification) : null,
        r.autoVerifiedRule,
        r.releasedAt,
        r.correctedBy,
        r.correctionReason,
      ],
    );
  },

  /** The latest version of a result, locked when asked (every change goes through the latest version). */
  async current(m: EntityManager, id: string, lock = false): Promise<ResultRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE r.result_id = $1 ORDER BY r.version DESC LIMIT 1
       ${lock ? 'FOR UPDATE OF r' : ''}`,
      [id],
    );
    return rows[0];
  },

  async history(m: EntityManager, id: string): Promise<ResultRow[]> {
    return m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.result_id = $1 ORDER BY r.version DESC`, [id]);
  },

  /** The order's live result (pending or final), locked. */
  async liveForOrder(m: EntityManager, orderId: string): Promise<ResultRow | undefined> {
    const rows = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE r.order_id = $1 AND r.status IN ('pending-technical', 'pending-medical', 'final') FOR UPDATE OF r`,
      [orderId],
    );
    return rows[0];
  },

  async list(
    m: EntityManager,
    f: { status?: ResultStatus; barcode?: string; patientId?: string; limit: number },
  ): Promise<ResultRow[]> {
    // Without a status: the latest version of every result; with one: the versions in that status.
    return m.query(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE ($1::text IS NULL AND r.version = (SELECT max(x.version) FROM lab_result x WHERE x.result_id = r.result_id)
              OR r.status = $1)
         AND ($2::text IS NULL OR r.barcode = $2) AND ($3::text IS NULL OR a.patient_id = $3)
       ORDER BY r.critical DESC, r.resulted_at, r.result_id, r.version
       LIMIT $4`,
      [f.status ?? null, f.barcode ?? null, f.patientId ?? null, f.limit],
    );
  },

  /** The patient's latest released result of a test, other than the given one (for the delta check). */
  async previousFinal(
    m: EntityManager,
    patientId: string,
    serviceCode: string,
    exceptResultId: string | null,
  ): Promise<{ value: string; releasedAt: Date } | undefined> {
    const rows = await m.query(
      `SELECT r.value, r.released_at AS "releasedAt" FROM ${FROM}
       WHERE a.patient_id = $1 AND r.service_code = $2 AND r.status = 'final'
         AND ($3::uuid IS NULL OR r.result_id <> $3)
       ORDER BY r.released_at DESC LIMIT 1`,
      [patientId, serviceCode, exceptResultId],
    );
    return rows[0];
  },

  async setStatus(m: EntityManager, id: string, version: number, status: ResultStatus): Promise<void> {
    await m.query(`UPDATE lab_result SET status = $3 WHERE result_id = $1 AND version = $2`, [
      id,
      version,
      status,
    ]);
  },

  async validateTechnical(m: EntityManager, id: string, version: number, by: string, at: Date) {
    await m.query(
      `UPDATE lab_result SET status = 'pending-medical', technical_validator = $3, technical_validated_at = $4
       WHERE result_id = $1 AND version = $2`,
      [id, version, by, at],
    );
  },

  async validateMedical(m: EntityManager, id: string, version: number, by: string, at: Date) {
    await m.query(
      `UPDATE lab_result SET status = 'final', medical_validator = $3, medical_validated_at = $4, released_at = $4
       WHERE result_id = $1 AND version = $2`,
      [id, version, by, at],
    );
  },

  async countOnSpecimen(m: EntityManager, barcode: string, statuses: ResultStatus[]): Promise<number> {
    const [r] = await m.query(
      `SELECT count(*)::int AS n FROM lab_result WHERE barcode = $1 AND status = ANY($2)`,
      [barcode, statuses],
    );
    return r.n;
  },

  async cancelPendingForOrder(m: EntityManager, orderId: string): Promise<void> {
    await m.query(
      `UPDATE lab_result SET status = 'cancelled'
       WHERE order_id = $1 AND status IN ('pending-technical', 'pending-medical')`,
      [orderId],
    );
  },

  async cancelPendingOnSpecimen(m: EntityManager, barcode: string): Promise<void> {
    await m.query(
      `UPDATE lab_result SET status = 'cancelled'
       WHERE barcode = $1 AND status IN ('pending-technical', 'pending-medical')`,
      [barcode],
    );
  },
};

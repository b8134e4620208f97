import type { EntityManager } from 'typeorm';
import type { Priority } from '../../shared/domain/codes';
import type { SpecimenStatus, SpecimenTestStatus } from '../domain/specimen';

export interface SpecimenTestRow {
  orderId: string;
  serviceCode: string;
  testName: string;
  loinc: string | null;
  priority: Priority;
  status: SpecimenTestStatus;
  orderedAt: Date;
  orderingProviderId: string | null;
  clinicalNote: string | null;
  cancelReason: string | null;
}

export interface SpecimenRow {
  barcode: string;
  accessionNumber: string;
  seq: number;
  patientId: string;
  encounterId: string;
  specimenType: string;
  containerType: string;
  priority: Priority;
  status: SpecimenStatus;
  labelledAt: Date;
  collectedAt: Date | null;
  collectedBy: string | null;
  receivedAt: Date | null;
  receivedBy: string | null;
  rejectedAt: Date | null;
  rejectedBy: string | null;
  rejectionReason: string | null;
  /** The rejected specimen this one replaces, and the one that replaced this one. */
  recollectionOf: string | null;
  recollectedAs: string | null;
  workOrderId: string | null;
  workOrderReleasedAt: Date | null;
  version: number;
  updatedAt: Date;
  tests: SpecimenTestRow[];
}

export interface AccessionRow {
  accessionNumber: string;
  patientId: string;
  encounterId: string;
  serviceDate: string;
  createdAt: Date;
  specimens: SpecimenRow[];
}

const TESTS = `COALESCE((SELECT json_agg(json_build_object('orderId', t.order_id, 'serviceCode', t.service_code,
      'testName', d.name, 'loinc', d.loinc, 'priority', t.priority, 'status', t.status, 'orderedAt', t.ordered_at,
      'orderingProviderId', t.ordering_provider_id, 'clinicalNote', t.clinical_note, 'cancelReason', t.cancel_reason)
      ORDER BY t.ordered_at, t.order_id)
    FROM lab_specimen_test t JOIN lab_test_definition d ON d.service_code = t.service_code
    WHERE t.barcode = s.barcode), '[]')`;

const COLUMNS = `s.barcode, s.accession_number AS "accessionNumber", s.seq, a.patient_id AS "patientId",
  a.encounter_id AS "encounterId", s.specimen_type AS "specimenType", s.container_type AS "containerType",
  s.priority, s.status, s.labelled_at AS "labelledAt", s.collected_at AS "collectedAt", s.collected_by AS "collectedBy",
  s.received_at AS "receivedAt", s.received_by AS "receivedBy", s.rejected_at AS "rejectedAt",
  s.rejected_by AS "rejectedBy", s.rejection_reason AS "rejectionReason", s.recollection_of AS "recollectionOf",
  (SELECT n.barcode FROM lab_specimen n WHERE n.recollection_of = s.barcode) AS "recollectedAs",
  s.work_order_id AS "workOrderId", s.work_order_released_at AS "workOrderReleasedAt", s.version,
  s.updated_at AS "updatedAt", ${TESTS} AS tests`;
const FROM = `lab_specimen s JOIN lab_accession a ON a.accession_number = s.accession_number`;

const parse = (row: SpecimenRow | undefined): SpecimenRow | undefined =>
  row && {
    ...row,
    tests: row.tests.map((t) => ({ ...t, orderedAt: new Date(t.orderedAt) })),
  };

/** SQL for accessions, specimens and the tests on them. Every function runs in the caller's transaction. */
export const SpecimensRepository = {
  /** The day's next accession sequence: one counter row per day, incremented under its row lock. */
  async nextAccessionSeq(m: EntityManager, day: string): Promise<number> {
    const [r] = await m.query(
      `INSERT INTO lab_accession_counter (service_date, last_seq) VALUES ($1, 1)
       ON CONFLICT (service_date) DO UPDATE SET last_seq = lab_accession_counter.last_seq + 1
       RETURNING last_seq`,
      [day],
    );
    return r.last_seq;
  },

  /** The encounter's accession of the day, locked (specimen numbers are allocated under this lock). */
  async lockAccessionFor(
    m: EntityManager,
    encounterId: string,
    day: string,
  ): Promise<{ accessionNumber: string; patientId: string } | undefined> {
    const rows = await m.query(
      `SELECT accession_number AS "accessionNumber", patient_id AS "patientId" FROM lab_accession
       WHERE encounter_id = $1 AND service_date = $2 FOR UPDATE`,
      [encounterId, day],
    );
    return rows[0];
  },

  async lockAccession(m: EntityManager, accession: string): Promise<void> {
    await m.query(`SELECT 1 FROM lab_accession WHERE accession_number = $1 FOR UPDATE`, [accession]);
  },

  /**
   * Opens the encounter's accession of the day; false when another transaction opened it first (the caller
   * then takes that one; the number drawn is left unused, a gap in the day's sequence).
   */
  async insertAccession(
    m: EntityManager,
    a: { accessionNumber: string; patientId: string; encounterId: string; day: string },
  ): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO lab_accession (accession_number, patient_id, encounter_id, service_date) VALUES ($1, $2, $3, $4)
       ON CONFLICT (encounter_id, service_date) DO NOTHING
       RETURNING accession_number`,
      [a.accessionNumber, a.patientId, a.encounterId, a.day],
    );
    return rows.length === 1;
  },

  async getAccession(m: EntityManager, accession: string): Promise<AccessionRow | undefined> {
    const rows = await m.query(
      `SELECT accession_number AS "accessionNumber", patient_id AS "patientId", encounter_id AS "encounterId",
         to_char(service_date, 'YYYY-MM-DD') AS "serviceDate", created_at AS "createdAt"
       FROM lab_accession WHERE accession_number = $1`,
      [accession],
    );
    if (!rows[0]) return undefined;
    const specimens: SpecimenRow[] = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE s.accession_number = $1 ORDER BY s.seq`,
      [accession],
    );
    return { ...rows[0], specimens: specimens.map((s) => parse(s)!) };
  },

  /** The accession's tube of this kind that is still only labelled (tests ordered later join it). */
  async labelledTube(
    m: EntityManager,
    accession: string,
    containerType: string,
    specimenType: string,
  ): Promise<{ barcode: string; priority: Priority } | undefined> {
    const rows = await m.query(
      `SELECT barcode, priority FROM lab_specimen
       WHERE accession_number = $1 AND container_type = $2 AND specimen_type = $3 AND status = 'labelled'
       ORDER BY seq LIMIT 1`,
      [accession, containerType, specimenType],
    );
    return rows[0];
  },

  /** The accession's next specimen number; the caller holds the accession's lock. */
  async nextSpecimenSeq(m: EntityManager, accession: string): Promise<number> {
    const [r] = await m.query(
      `SELECT COALESCE(max(seq), 0) + 1 AS n FROM lab_specimen WHERE accession_number = $1`,
      [accession],
    );
    return r.n;
  },

  async insertSpecimen(
    m: EntityManager,
    s: {
      barcode: string;
      accessionNumber: string;
      seq: number;
      specimenType: string;
      containerType: string;
      priority: Priority;
      recollectionOf?: string | null;
      at: Date;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO lab_specimen (barcode, accession_number, seq, specimen_type, container_type, priority, status,
         labelled_at, recollection_of, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'labelled', $7, $8, $7)`,
      [
        s.barcode,
        s.accessionNumber,
        s.seq,
        s.specimenType,
        s.containerType,
        s.priority,
        s.at,
        s.recollectionOf ?? null,
      ],
    );
  },

  async get(m: EntityManager, barcode: string, lock = false): Promise<SpecimenRow | undefined> {
    if (lock) await m.query(`SELECT 1 FROM lab_specimen WHERE barcode = $1 FOR UPDATE`, [barcode]);
    const rows = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE s.barcode = $1`, [barcode]);
    return parse(rows[0]);
  },

  async list(
    m: EntityManager,
    f: { status?: SpecimenStatus; patientId?: string; limit: number },
  ): Promise<SpecimenRow[]> {
    const rows: SpecimenRow[] = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE ($1::text IS NULL OR s.status = $1) AND ($2::text IS NULL OR a.patient_id = $2)
       ORDER BY CASE s.priority WHEN 'stat' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END, s.labelled_at, s.barcode
       LIMIT $3`,
      [f.status ?? null, f.patientId ?? null, f.limit],
    );
    return rows.map((r) => parse(r)!);
  },

  async insertTest(
    m: EntityManager,
    t: {
      barcode: string;
      orderId: string;
      serviceCode: string;
      priority: Priority;
      orderedAt: Date;
      orderingProviderId: string | null;
      clinicalNote: string | null;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO lab_specimen_test (barcode, order_id, service_code, priority, status, ordered_at,
         ordering_provider_id, clinical_note)
       VALUES ($1, $2, $3, $4, 'ordered', $5, $6, $7)`,
      [t.barcode, t.orderId, t.serviceCode, t.priority, t.orderedAt, t.orderingProviderId, t.clinicalNote],
    );
  },

  /** Whether an order was ever accessioned (on any specimen, rejected ones included). */
  async knowsOrder(m: EntityManager, orderId: string): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM lab_specimen_test WHERE order_id = $1 LIMIT 1`, [orderId]);
    return rows.length > 0;
  },

  /** Where an order is now: its specimen and status (a rejected tube's row is history, not where it is). */
  async testOfOrder(
    m: EntityManager,
    orderId: string,
  ): Promise<{ barcode: string; serviceCode: string; status: SpecimenTestStatus } | undefined> {
    const rows = await m.query(
      `SELECT barcode, service_code AS "serviceCode", status FROM lab_specimen_test
       WHERE order_id = $1 AND status <> 'rejected'`,
      [orderId],
    );
    return rows[0];
  },

  async setTestStatus(
    m: EntityManager,
    barcode: string,
    orderId: string,
    status: SpecimenTestStatus,
    cancelReason: string | null = null,
  ): Promise<void> {
    await m.query(
      `UPDATE lab_specimen_test SET status = $3, cancel_reason = COALESCE($4, cancel_reason)
       WHERE barcode = $1 AND order_id = $2`,
      [barcode, orderId, status, cancelReason],
    );
  },

  async setPriority(m: EntityManager, barcode: string, priority: Priority): Promise<void> {
    await m.query(`UPDATE lab_specimen SET priority = $2 WHERE barcode = $1`, [barcode, priority]);
  },

  async collect(m: EntityManager, barcode: string, at: Date, by: string | null): Promise<void> {
    await m.query(
      `UPDATE lab_specimen SET status = 'collected', collected_at = $2, collected_by = $3, updated_at = now(),
         version = version + 1
       WHERE barcode = $1`,
      [barcode, at, by],
    );
  },

  async receive(m: EntityManager, barcode: string, at: Date, by: string | null): Promise<void> {
    await m.query(
      `UPDATE lab_specimen SET status = 'received', received_at = $2, received_by = $3, updated_at = now(),
         version = version + 1
       WHERE barcode = $1`,
      [barcode, at, by],
    );
  },

  async reject(
    m: EntityManager,
    barcode: string,
    at: Date,
    by: string | null,
    reason: string,
  ): Promise<void> {
    await m.query(
      `UPDATE lab_specimen SET status = 'rejected', rejected_at = $2, rejected_by = $3, rejection_reason = $4,
         updated_at = now(), version = version + 1
       WHERE barcode = $1`,
      [barcode, at, by, reason],
    );
  },

  async cancel(m: EntityManager, barcode: string): Promise<void> {
    await m.query(
      `UPDATE lab_specimen SET status = 'cancelled', updated_at = now(), version = version + 1 WHERE barcode = $1`,
      [barcode],
    );
  },

  /** Records (or clears, with null) the work order currently released for the specimen. */
  async setWorkOrder(m: EntityManager, barcode: string, workOrderId: string | null, at: Date | null) {
    await m.query(
      `UPDATE lab_specimen SET work_order_id = $2, work_order_released_at = $3, updated_at = now() WHERE barcode = $1`,
      [barcode, workOrderId, at],
    );
  },

  /** A merge: the retired patient's accessions now belong to the survivor. */
  async repointPatient(m: EntityManager, from: string, to: string): Promise<void> {
    await m.query(`UPDATE lab_accession SET patient_id = $2 WHERE patient_id = $1`, [from, to]);
  },
};

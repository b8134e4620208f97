import type { EntityManager } from 'typeorm';
import type {
  ChargeFact,
  CoveragePeriod,
  DischargeFact,
  DrugFact,
  EncounterClass,
  EpisodeFacts,
  OrderFact,
  PatientFacts,
  ReportFact,
  ResultFact,
  TransferFact,
} from '../domain/episode';

export type FactKind =
  | 'coverage'
  | 'transfer'
  | 'charge'
  | 'order'
  | 'drug'
  | 'result'
  | 'report'
  | 'discharge';

export interface EpisodeRow {
  encounterId: string;
  patientId: string;
  episodeKey: string;
  encounterClass: EncounterClass;
  visitType: string;
  departmentCode: string | null;
  startedAt: Date;
  status: 'open' | 'closed';
  closeTotals: { hospital: string; insurer: string; patient: string } | null;
  closedAt: Date | null;
  /** When claims received the close (its own clock). */
  closeReceivedAt: Date | null;
  checkInQueued: boolean;
}

const EPISODE_COLUMNS = `encounter_id AS "encounterId", patient_id AS "patientId", episode_key AS "episodeKey",
  encounter_class AS "encounterClass", visit_type AS "visitType", department_code AS "departmentCode",
  started_at AS "startedAt", status, close_totals AS "closeTotals", closed_at AS "closedAt",
  close_received_at AS "closeReceivedAt", check_in_queued AS "checkInQueued"`;

/** Dates survive the JSONB round trip as ISO strings; these revive them. */
const date = (v: unknown): Date => new Date(v as string);
const dateOrNull = (v: unknown): Date | null => (v ? new Date(v as string) : null);

/** SQL for the episode projection: patients, episodes and the facts a claim is built from. */
export const EpisodesRepository = {
  async upsertPatient(m: EntityManager, p: PatientFacts, version: number): Promise<void> {
    await m.query(
      `INSERT INTO cl_patient (patient_id, data, version) VALUES ($1, $2, $3)
       ON CONFLICT (patient_id) DO UPDATE SET data = EXCLUDED.data, version = EXCLUDED.version, updated_at = now()
       WHERE cl_patient.version <= EXCLUDED.version`,
      [p.patientId, JSON.stringify(p), version],
    );
  },

  async mergePatient(m: EntityManager, survivor: string, retired: string): Promise<void> {
    await m.query(`UPDATE cl_patient SET merged_into = $1, updated_at = now() WHERE patient_id = $2`, [
      survivor,
      retired,
    ]);
    await m.query(`UPDATE cl_episode SET patient_id = $1, updated_at = now() WHERE patient_id = $2`, [
      survivor,
      retired,
    ]);
  },

  async patient(m: EntityManager, patientId: string): Promise<PatientFacts | undefined> {
    const rows: { data: PatientFacts }[] = await m.query(
      `SELECT data FROM cl_patient WHERE patient_id = $1`,
      [patientId],
    );
    return rows[0]?.data;
  },

  async openEpisode(
    m: EntityManager,
    e: Pick<
      EpisodeRow,
      | 'encounterId'
      | 'patientId'
      | 'episodeKey'
      | 'encounterClass'
      | 'visitType'
      | 'departmentCode'
      | 'startedAt'
    >,
  ): Promise<void> {
    await m.query(
      `INSERT INTO cl_episode (encounter_id, patient_id, episode_key, encounter_class, visit_type, department_code,
         started_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (encounter_id) DO NOTHING`,
      [
        e.encounterId,
        e.patientId,
        e.episodeKey,
        e.encounterClass,
        e.visitType,
        e.departmentCode,
        e.startedAt,
      ],
    );
  },

  async closeEpisode(
    m: EntityManager,
    encounterId: string,
    totals: EpisodeRow['closeTotals'],
    closedAt: Date,
  ): Promise<void> {
    await m.query(
      `UPDATE cl_episode SET status = 'closed', close_totals = $2, closed_at = $3,
         close_received_at = coalesce(close_received_at, now()), updated_at = now()
       WHERE encounter_id = $1`,
      [encounterId, JSON.stringify(totals), closedAt],
    );
  },

  async markCheckInQueued(m: EntityManager, encounterId: string): Promise<boolean> {
    const rows = await m.query(
      `UPDATE cl_episode SET check_in_queued = true WHERE encounter_id = $1 AND NOT check_in_queued
       RETURNING encounter_id`,
      [encounterId],
    );
    return rows.length > 0;
  },

  /** Closed episodes without any claim whose close is older than `graceMs`. */
  async closedWithoutClaim(m: EntityManager, graceMs: number): Promise<string[]> {
    const rows: { encounter_id: string }[] = await m.query(
      `SELECT e.encounter_id FROM cl_episode e
       WHERE e.status = 'closed'
         AND coalesce(e.close_received_at, e.closed_at) < now() - make_interval(secs => $1::double precision / 1000)
         AND NOT EXISTS (SELECT 1 FROM cl_claim c WHERE c.encounter_id = e.encounter_id)
       ORDER BY e.close_received_at LIMIT 200`,
      [graceMs],
    );
    return rows.map((r) => r.encounter_id);
  },

  /** Open episodes of the patient whose check-in has not gone out yet. */
  async awaitingCheckIn(m: EntityManager, patientId: string): Promise<string[]> {
    const rows: { encounter_id: string }[] = await m.query(
      `SELECT encounter_id FROM cl_episode WHERE patient_id = $1 AND NOT check_in_queued AND status = 'open'`,
      [patientId],
    );
    return rows.map((r) => r.encounter_id);
  },

  async episode(m: EntityManager, encounterId: string, lock = false): Promise<EpisodeRow | undefined> {
    const rows = await m.query(
      `SELECT ${EPISODE_COLUMNS} FROM cl_episode WHERE encounter_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [encounterId],
    );
    return rows[0];
  },

  async putFact(
    m: EntityManager,
    kind: FactKind,
    factId: string,
    links: { encounterId?: string | null; orderId?: string | null },
    at: Date,
    data: object,
  ): Promise<void> {
    await m.query(
      `INSERT INTO cl_fact (kind, fact_id, encounter_id, order_id, at, data) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, fact_id) DO UPDATE SET data = cl_fact.data || EXCLUDED.data, at = EXCLUDED.at`,
      [kind, factId, links.encounterId ?? null, links.orderId ?? null, at, JSON.stringify(data)],
    );
  },

  /** Sets fields on a fact that may not have arrived yet (a reversal before its charge, a cancel before its order). */
  async patchFact(m: EntityManager, kind: FactKind, factId: string, patch: object): Promise<void> {
    await m.query(
      `INSERT INTO cl_fact (kind, fact_id, at, data) VALUES ($1, $2, now(), $3)
       ON CONFLICT (kind, fact_id) DO UPDATE SET data = cl_fact.data || EXCLUDED.data`,
      [kind, factId, JSON.stringify(patch)],
    );
  },

  async encounterOfCharge(m: EntityManager, chargeId: string): Promise<string | undefined> {
    const rows = await m.query(`SELECT encounter_id FROM cl_fact WHERE kind = 'charge' AND fact_id = $1`, [
      chargeId,
    ]);
    return rows[0]?.encounter_id ?? undefined;
  },

  async encounterOfOrder(m: EntityManager, orderId: string): Promise<string | undefined> {
    const rows = await m.query(`SELECT encounter_id FROM cl_fact WHERE kind = 'order' AND fact_id = $1`, [
      orderId,
    ]);
    return rows[0]?.encounter_id ?? undefined;
  },

  /** Σ THANH_TIEN_BV of the charges seen (reversals excluded), to compare with the totals HIS closed with. */
  async chargedTotal(m: EntityManager, encounterId: string): Promise<string> {
    const rows = await m.query(
      `SELECT coalesce(sum((data->>'amountHospital')::numeric), 0)::text AS total FROM cl_fact
       WHERE kind = 'charge' AND encounter_id = $1 AND data ? 'amountHospital'
         AND coalesce((data->>'reversed')::boolean, false) = false`,
      [encounterId],
    );
    return rows[0].total;
  },

  /** Everything known about the episode, with results and reports found through its orders. */
  async facts(m: EntityManager, e: EpisodeRow): Promise<EpisodeFacts> {
    const rows: { kind: FactKind; data: Record<string, unknown> }[] = await m.query(
      `SELECT kind, data FROM cl_fact WHERE encounter_id = $1
       UNION ALL
       SELECT f.kind, f.data FROM cl_fact f
       WHERE f.kind IN ('result', 'report') AND f.encounter_id IS NULL AND f.order_id IN (
         SELECT fact_id FROM cl_fact WHERE kind = 'order' AND encounter_id = $1)`,
      [e.encounterId],
    );
    const of = (kind: FactKind) => rows.filter((r) => r.kind === kind).map((r) => r.data);
    const coverages: CoveragePeriod[] = of('coverage').map((d) => ({
      ...(d as unknown as CoveragePeriod),
      effectiveAt: date(d['effectiveAt']),
    }));
    const transfers: TransferFact[] = of('transfer').map((d) => ({
      ...(d as unknown as TransferFact),
      at: date(d['at']),
    }));
    const charges: ChargeFact[] = of('charge')
      .filter((d) => d['chargeId'])
      .map((d) => ({
        ...(d as unknown as ChargeFact),
        reversed: Boolean(d['reversed']),
        orderedAt: dateOrNull(d['orderedAt']),
        postedAt: date(d['postedAt']),
      }));
    const orders: OrderFact[] = of('order')
      .filter((d) => d['orderId'])
      .map((d) => ({
        ...(d as unknown as OrderFact),
        cancelled: Boolean(d['cancelled']),
        orderedAt: date(d['orderedAt']),
      }));
    const drugs: DrugFact[] = of('drug').map((d) => ({
      ...(d as unknown as DrugFact),
      issuedAt: date(d['issuedAt']),
    }));
    const results: ResultFact[] = of('result').map((d) => ({
      ...(d as unknown as ResultFact),
      observedAt: dateOrNull(d['observedAt']),
      releasedAt: date(d['releasedAt']),
    }));
    const reports: ReportFact[] = of('report').map((d) => ({
      ...(d as unknown as ReportFact),
      signedAt: date(d['signedAt']),
    }));
    const discharge = of('discharge')[0];
    return {
      encounterId: e.encounterId,
      patientId: e.patientId,
      episodeKey: e.episodeKey,
      encounterClass: e.encounterClass,
      visitType: e.visitType,
      departmentCode: e.departmentCode ?? '',
      startedAt: new Date(e.startedAt),
      closedAt: e.closedAt ? new Date(e.closedAt) : null,
      coverages,
      transfers,
      charges,
      orders,
      drugs,
      results,
      reports,
      discharge: discharge ? { ...(discharge as unknown as DischargeFact), at: date(discharge['at']) } : null,
    };
  },
};

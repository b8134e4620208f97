import type { DataSource, EntityManager } from 'typeorm';
import { chainHash, GENESIS_HASH } from '../chain/canonical';
import { ChainVerifier, type ChainVerification } from '../chain/verify';
import type { AuditAction, AuditRecord, ChainedAuditRecord } from '../model/audit-record';

/**
 * One lock serialises every append to the chain in this database, across all replicas of the service. It is
 * a transaction-level advisory lock: released by the commit, so `seq` order is commit order and a reader
 * that sees seq N has every seq below N (the syslog cursor relies on it).
 */
const APPEND_LOCK = `SELECT pg_advisory_xact_lock(hashtext('platform_audit'))`;

const COLUMNS = [
  'seq',
  'recorded_at',
  'actor',
  'actor_roles',
  'client_id',
  'source_address',
  'action',
  'event_type',
  'what',
  'entity_type',
  'entity_id',
  'patient_id',
  'outcome',
  'status',
  'detail',
  'correlation_id',
  'prev_hash',
  'hash',
] as const;

interface AuditRow {
  seq: string;
  recorded_at: Date;
  actor: string | null;
  actor_roles: string[];
  client_id: string | null;
  source_address: string | null;
  action: AuditAction;
  event_type: string;
  what: string;
  entity_type: string | null;
  entity_id: string | null;
  patient_id: string | null;
  outcome: 'success' | 'failure';
  status: number | null;
  detail: string | null;
  correlation_id: string | null;
  prev_hash: string;
  hash: string;
}

function fromRow(r: AuditRow): ChainedAuditRecord {
  return {
    seq: String(r.seq),
    time: r.recorded_at,
    actor: r.actor,
    actorRoles: r.actor_roles,
    clientId: r.client_id,
    sourceAddress: r.source_address,
    action: r.action,
    eventType: r.event_type,
    what: r.what,
    entityType: r.entity_type,
    entityId: r.entity_id,
    patientId: r.patient_id,
    outcome: r.outcome,
    status: r.status,
    detail: r.detail,
    correlationId: r.correlation_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function toParams(r: ChainedAuditRecord): unknown[] {
  return [
    r.seq,
    r.time,
    r.actor,
    r.actorRoles,
    r.clientId,
    r.sourceAddress,
    r.action,
    r.eventType,
    r.what,
    r.entityType,
    r.entityId,
    r.patientId,
    r.outcome,
    r.status,
    r.detail,
    r.correlationId,
    r.prevHash,
    r.hash,
  ];
}

/**
 * Appends records to the chain in one short transaction of their own: take the append lock, read the head,
 * hash each record onto it, insert them all in one statement. Returns them as stored.
 */
export async function appendRecords(
  ds: DataSource,
  records: readonly AuditRecord[],
): Promise<ChainedAuditRecord[]> {
  if (records.length === 0) return [];
  return ds.transaction('READ COMMITTED', async (m) => {
    await m.query(APPEND_LOCK);
    // READ COMMITTED takes a new snapshot per statement: this read, made after the lock, sees the head the
    // previous holder committed.
    const head = await chainHead(m);
    let seq = BigInt(head?.seq ?? '0');
    let prevHash = head?.hash ?? GENESIS_HASH;
    const chained = records.map((r) => {
      seq += 1n;
      const hash = chainHash(String(seq), r, prevHash);
      const c: ChainedAuditRecord = { ...r, seq: String(seq), prevHash, hash };
      prevHash = hash;
      return c;
    });
    const values: unknown[] = [];
    const tuples = chained.map((c) => {
      const params = toParams(c);
      const base = values.length;
      values.push(...params);
      return `(${params.map((_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await m.query(`INSERT INTO platform_audit (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
    return chained;
  });
}

async function chainHead(m: EntityManager): Promise<{ seq: string; hash: string } | undefined> {
  const rows: Array<{ seq: string; hash: string }> = await m.query(
    `SELECT seq, hash FROM platform_audit ORDER BY seq DESC LIMIT 1`,
  );
  return rows[0];
}

export interface AuditSearch {
  patientId?: string;
  actor?: string;
  /** Inclusive bounds on the record time. */
  from?: Date;
  to?: Date;
  action?: AuditAction;
  limit: number;
  offset: number;
}

/** Newest first. Every filter has an index (patient, actor, time) or rides the primary key. */
export async function searchRecords(ds: DataSource, q: AuditSearch): Promise<ChainedAuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.patientId !== undefined) add('patient_id = ?', q.patientId);
  if (q.actor !== undefined) add('actor = ?', q.actor);
  if (q.from !== undefined) add('recorded_at >= ?', q.from);
  if (q.to !== undefined) add('recorded_at <= ?', q.to);
  if (q.action !== undefined) add('action = ?', q.action);
  params.push(q.limit, q.offset);
  const rows: AuditRow[] = await ds.query(
    `SELECT ${COLUMNS.join(', ')} FROM platform_audit
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(fromRow);
}

/** Records after `seq`, oldest first (the syslog sender's cursor). */
export async function recordsAfter(
  ds: DataSource | EntityManager,
  seq: string,
  limit: number,
): Promise<ChainedAuditRecord[]> {
  const rows: AuditRow[] = await ds.query(
    `SELECT ${COLUMNS.join(', ')} FROM platform_audit WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [seq, limit],
  );
  return rows.map(fromRow);
}

/** Walks the whole chain from seq 1, a page at a time, and says where it first breaks. */
export async function verifyStoredChain(ds: DataSource, pageSize = 5_000): Promise<ChainVerification> {
  const verifier = new ChainVerifier();
  let after = '0';
  for (;;) {
    const page = await recordsAfter(ds, after, pageSize);
    if (page.length === 0 || !verifier.push(page)) break;
    after = page[page.length - 1].seq;
    if (page.length < pageSize) break;
  }
  return verifier.result();
}

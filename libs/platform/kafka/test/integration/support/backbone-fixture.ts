import { create } from '@bufbuild/protobuf';
import { PatientRegisteredSchema, Topics } from '@hosp/contracts';
import { openServiceDataSource } from '@hosp/platform-persistence';
import type { Kafka } from 'kafkajs';
import type { DataSource, EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { PlatformMessaging1763700000000 } from '../../../src/migrations/1763700000000-platform-messaging';
import { on, onBatch, type ConsumedEvent } from '../../../src/consumer/consumed-event';
import { OutboxWriter } from '../../../src/outbox/outbox-writer';
import { OutboxRelay } from '../../../src/outbox/outbox-relay';
import { ensureTopics } from '../../../src/topic-admin';
import { isolatedContext, type IsolatedContext } from '@hosp/testing';

/**
 * The effect the backbone tests apply: a log row per application and a per-patient counter. Neither is
 * idempotent on its own (no unique constraint), so a double application shows up as a duplicate row and a
 * counter too high, and the log's id order shows the order of application.
 */
export class TestEffects1763700000001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE effect_log (id bigserial PRIMARY KEY, event_id text NOT NULL, patient_id text NOT NULL, seq integer NOT NULL, pid integer NOT NULL)`,
    );
    await q.query(`CREATE TABLE effect_counter (patient_id text PRIMARY KEY, applied integer NOT NULL)`);
  }
  async down(): Promise<void> {
    /* test database is dropped whole */
  }
}

export function openBackboneDataSource(url: string): Promise<DataSource> {
  return openServiceDataSource({
    url,
    migrations: [PlatformMessaging1763700000000, TestEffects1763700000001],
    poolSize: 4,
  });
}

/** The per-patient sequence number rides in citizenId; "POISON" makes the handler fail. */
export function patientEvent(patientId: string, seq: number | 'POISON') {
  return create(PatientRegisteredSchema, {
    patientId,
    citizenId: String(seq),
    fullName: 'Nguyễn Thị Hoa',
    birthDate: '1980',
  });
}

export async function writeEvents(
  ds: DataSource,
  writer: OutboxWriter,
  events: Array<{ patientId: string; seq: number | 'POISON' }>,
): Promise<string[]> {
  return ds.transaction(async (m) => {
    const ids: string[] = [];
    for (const e of events)
      ids.push(
        await writer.append(m, Topics.HisPatient, PatientRegisteredSchema, patientEvent(e.patientId, e.seq)),
      );
    return ids;
  });
}

export interface EffectOptions {
  /** Extra work per event, to make batches slow enough to be interrupted. */
  delayMs?: number;
  /** When true, events whose citizenId is "POISON" throw. */
  poison?: () => boolean;
}

export function effectHandler(opts: EffectOptions = {}) {
  return on(
    PatientRegisteredSchema,
    async (event: ConsumedEvent<typeof PatientRegisteredSchema>, m: EntityManager) => {
      if (opts.poison?.() && event.payload.citizenId === 'POISON')
        throw new Error(`cannot apply ${event.envelope.id}: poison`);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      await m.query(`INSERT INTO effect_log (event_id, patient_id, seq, pid) VALUES ($1, $2, $3, $4)`, [
        event.envelope.id,
        event.payload.patientId,
        Number(event.payload.citizenId) || -1,
        process.pid,
      ]);
      await m.query(
        `INSERT INTO effect_counter (patient_id, applied) VALUES ($1, 1)
       ON CONFLICT (patient_id) DO UPDATE SET applied = effect_counter.applied + 1`,
        [event.payload.patientId],
      );
    },
  );
}

export async function appliedCount(ds: DataSource): Promise<number> {
  const r = await ds.query(`SELECT count(*)::int AS n FROM effect_log`);
  return r[0].n;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await probe();
  }
  return last;
}

/** Per patient, the sequence numbers in the order their effects were applied. */
export async function appliedOrder(ds: DataSource): Promise<Map<string, number[]>> {
  const rows: Array<{ patient_id: string; seq: number }> = await ds.query(
    `SELECT patient_id, seq FROM effect_log ORDER BY id`,
  );
  const byPatient = new Map<string, number[]>();
  for (const r of rows) {
    if (!byPatient.has(r.patient_id)) byPatient.set(r.patient_id, []);
    byPatient.get(r.patient_id)!.push(r.seq);
  }
  return byPatient;
}

/** Total lag of a group on a topic: high watermark minus committed offset, summed over partitions. */
export async function groupLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const high = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const c = new Map(committed[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return high.reduce((sum, p) => sum + Number(p.high) - Math.max(c.get(p.partition) ?? 0, 0), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The same effect as `effectHandler`, for a run of events in two statements (the batch-handler form). */
export function effectBatchHandler(opts: EffectOptions = {}) {
  return onBatch(PatientRegisteredSchema, async (events, m) => {
    const poison = events.find((e) => opts.poison?.() && e.payload.citizenId === 'POISON');
    if (poison) throw new Error(`cannot apply ${poison.envelope.id}: poison`);
    await m.query(
      `INSERT INTO effect_log (event_id, patient_id, seq, pid)
       SELECT u.id, u.patient, u.seq, $4 FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS u(id, patient, seq, ord)
       ORDER BY u.ord`,
      [
        events.map((e) => e.envelope.id),
        events.map((e) => e.payload.patientId),
        events.map((e) => Number(e.payload.citizenId) || -1),
        process.pid,
      ],
    );
    const perPatient = new Map<string, number>();
    for (const e of events)
      perPatient.set(e.payload.patientId, (perPatient.get(e.payload.patientId) ?? 0) + 1);
    await m.query(
      `INSERT INTO effect_counter (patient_id, applied) SELECT * FROM unnest($1::text[], $2::int[])
       ON CONFLICT (patient_id) DO UPDATE SET applied = effect_counter.applied + EXCLUDED.applied`,
      [[...perPatient.keys()], [...perPatient.values()]],
    );
  });
}

/** A test's slice of the real stack with the backbone's tables migrated and the patient topic created. */
export async function openBackbone(brokers?: string[]): Promise<{ ctx: IsolatedContext; ds: DataSource }> {
  const ctx = await isolatedContext(brokers);
  const ds = await openBackboneDataSource(ctx.databaseUrl);
  await ensureTopics(ctx.kafka(), [Topics.HisPatient], ctx.topicPrefix);
  return { ctx, ds };
}

/** Publishes everything in the outbox now, as a relay would (no other relay runs in these tests). */
export async function publishOutbox(ctx: IsolatedContext, ds: DataSource): Promise<number> {
  const relay = new OutboxRelay({
    dataSource: ds,
    databaseUrl: ctx.databaseUrl,
    kafka: ctx.kafka('his'),
    topicPrefix: ctx.topicPrefix,
  });
  try {
    return await relay.drain();
  } finally {
    await relay.stop();
  }
}

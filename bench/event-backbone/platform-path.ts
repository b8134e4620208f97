import { performance } from 'node:perf_hooks';
import { PatientRegisteredSchema, Topics } from '@hosp/contracts';
import {
  ensureTopics,
  InboxConsumer,
  on,
  onBatch,
  OutboxRelay,
  OutboxWriter,
  PlatformMessaging1763700000000,
} from '@hosp/platform-kafka';
import { openServiceDataSource } from '@hosp/platform-persistence';
import { type IsolatedContext, readStackState } from '@hosp/testing';
import pino from 'pino';
import type {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  MigrationInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import type { BenchConfig } from './config';
import {
  BENCH_FACILITY,
  BENCH_SERVICE,
  benchKafka,
  brokerPids,
  type CpuUse,
  cpuMeter,
  type LatencySummary,
  Pacer,
  patientRegistered,
  round,
  summarize,
  type Teardown,
  waitUntil,
} from './workload';

/** The consumer's effect: one small row per applied event (no index, no constraint: a trivial INSERT). */
export class BenchEffect1763700000900 implements MigrationInterface {
  name = 'BenchEffect1763700000900';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE bench_effect (event_id text NOT NULL, patient_id text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE bench_effect');
  }
}

/**
 * Calls back right after a transaction's COMMIT returns (TypeORM's afterTransactionCommit), so the bench
 * timestamps commits rather than statements: an outbox write counts from its commit (when the relay can see
 * it) and an effect from its commit (when it is durable and the offset may be committed).
 */
class CommitClock implements EntitySubscriberInterface {
  private readonly pending = new WeakMap<QueryRunner, Array<(at: number) => void>>();

  onCommit(manager: EntityManager, callback: (at: number) => void): void {
    const qr = manager.queryRunner;
    if (!qr) throw new Error('CommitClock needs a transactional EntityManager');
    const list = this.pending.get(qr);
    if (list) list.push(callback);
    else this.pending.set(qr, [callback]);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const callbacks = this.pending.get(event.queryRunner);
    if (!callbacks) return;
    this.pending.delete(event.queryRunner);
    const at = performance.now();
    for (const c of callbacks) c(at);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.pending.delete(event.queryRunner);
  }
}

export interface BacklogSample {
  /** Seconds since the first write. */
  t: number;
  written: number;
  /** Rows still in platform_outbox (not yet published and deleted by the relay). */
  inOutbox: number;
  /** Published but not yet applied (in Kafka, in a fetch, or in an open consumer transaction). */
  inKafka: number;
  applied: number;
}

export interface PlatformResult {
  path: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Writers only: first write to the last outbox commit. */
  writeEventsPerSecond: number;
  /** Last outbox commit -> last effect commit: how long the pipeline needed to drain after the writers stopped. */
  drainSeconds: number;
  /** Outbox commit -> effect commit, per event. */
  latency: LatencySummary;
  /** Outbox commit -> handler called (relay + Kafka + fetch), per event. */
  deliveryLatency: LatencySummary;
  cpu: CpuUse;
  maxInOutbox: number;
  maxInKafka: number;
  samples: BacklogSample[];
  check: {
    effectRows: number;
    distinctEffects: number;
    inboxApplied: number;
    outboxLeft: number;
    exactlyOnce: boolean;
  };
}

/**
 * The platform path: `writers` concurrent request handlers append events through OutboxWriter,
 * `eventsPerTransaction` per transaction; the OutboxRelay publishes them; an InboxConsumer applies each with
 * an INSERT into bench_effect, its inbox row in the same transaction. The producing side (writers + relay)
 * and the consuming side have their own DataSources (pools), as two services would.
 */
export async function runPlatformPath(
  ctx: IsolatedContext,
  cfg: BenchConfig,
  teardown: Teardown,
  deadline: number,
  signal: AbortSignal,
): Promise<PlatformResult> {
  const logger = pino({ name: 'bench', level: process.env['BENCH_LOG_LEVEL'] ?? 'warn' });
  const migrations = [PlatformMessaging1763700000000, BenchEffect1763700000900];
  const producerDs = await openServiceDataSource({
    url: ctx.databaseUrl,
    migrations,
    poolSize: cfg.producerPoolSize,
    applicationName: 'bench-his',
  });
  teardown.add('producer DataSource destroy', () => producerDs.destroy());
  const consumerDs = await openServiceDataSource({
    url: ctx.databaseUrl,
    migrations,
    poolSize: cfg.consumerPoolSize,
    applicationName: 'bench-lab',
  });
  teardown.add('consumer DataSource destroy', () => consumerDs.destroy());
  const clock = new CommitClock();
  producerDs.subscribers.push(clock);
  consumerDs.subscribers.push(clock);

  await ensureTopics(benchKafka(ctx, 'bench-admin'), [Topics.HisPatient], ctx.topicPrefix);

  const warmIds = new Set<string>();
  const committedAt = new Map<string, number>();
  const deliveryLatencies: number[] = [];
  const latencies: number[] = [];
  let written = 0;
  let applied = 0;
  let warmApplied = 0;
  let lastAppliedAt = 0;

  const recordApplied = (manager: EntityManager, ids: string[]) => {
    const handledAt = performance.now();
    clock.onCommit(manager, (at) => {
      for (const id of ids) {
        const wrote = committedAt.get(id);
        if (wrote !== undefined) {
          committedAt.delete(id);
          deliveryLatencies.push(handledAt - wrote);
          latencies.push(at - wrote);
          applied++;
          lastAppliedAt = at;
        } else if (warmIds.delete(id)) warmApplied++;
      }
    });
  };
  const handler = cfg.batchHandler
    ? onBatch(PatientRegisteredSchema, async (events, manager) => {
        await manager.query(
          `INSERT INTO bench_effect (event_id, patient_id) SELECT * FROM unnest($1::text[], $2::text[])`,
          [events.map((e) => e.envelope.id), events.map((e) => e.payload.patientId)],
        );
        recordApplied(
          manager,
          events.map((e) => e.envelope.id),
        );
      })
    : on(PatientRegisteredSchema, async (event, manager) => {
        await manager.query(`INSERT INTO bench_effect (event_id, patient_id) VALUES ($1, $2)`, [
          event.envelope.id,
          event.payload.patientId,
        ]);
        recordApplied(manager, [event.envelope.id]);
      });

  const relay = new OutboxRelay({
    dataSource: producerDs,
    databaseUrl: ctx.databaseUrl,
    kafka: benchKafka(ctx, 'bench-his'),
    topicPrefix: ctx.topicPrefix,
    batchSize: cfg.relayBatchSize,
    pollIntervalMs: cfg.relayPollMs,
    logger,
  });
  teardown.add('relay stop', () => relay.stop());
  relay.start();

  const consumer = new InboxConsumer({
    kafka: benchKafka(ctx, 'bench-lab'),
    dataSource: consumerDs,
    groupId: 'bench.effect',
    topics: [Topics.HisPatient],
    topicPrefix: ctx.topicPrefix,
    handlers: [handler],
    maxEventsPerTransaction: cfg.maxEventsPerTransaction,
    partitionsConsumedConcurrently: cfg.partitionsConsumedConcurrently,
    logger,
  });
  teardown.add('inbox consumer stop', () => consumer.stop());
  await consumer.start();

  const writer = new OutboxWriter({ service: BENCH_SERVICE, facility: BENCH_FACILITY });
  const writeRange = (from: number, to: number, warm: boolean) =>
    producerDs.transaction(async (m) => {
      // A request handler that changes several things appends its events in one statement.
      const ids = await writer.appendAll(
        m,
        Array.from({ length: to - from }, (_, k) => ({
          topic: Topics.HisPatient,
          schema: PatientRegisteredSchema,
          message: patientRegistered(from + k, cfg.patients),
        })),
      );
      if (warm) for (const id of ids) warmIds.add(id);
      else
        clock.onCommit(m, (at) => {
          for (const id of ids) committedAt.set(id, at);
          written += ids.length;
        });
    });

  // Warm-up: relay connected and leader, consumer group joined and fetching, pools filled.
  for (let i = 0; i < cfg.warmup; i += cfg.eventsPerTransaction)
    await writeRange(i, Math.min(cfg.warmup, i + cfg.eventsPerTransaction), true);
  await waitUntil('platform warm-up applied', () => warmApplied >= cfg.warmup, deadline, signal);

  const samples: BacklogSample[] = [];
  let sampling = true;
  const backends = async () =>
    (
      (await producerDs.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
      )) as Array<{ pid: number }>
    ).map((r) => r.pid);
  const cpu = await cpuMeter(brokerPids(readStackState()?.kafka.dir), backends);
  const pacer = new Pacer(cfg.rate);
  const t0 = performance.now();
  pacer.start();
  const sampler = (async () => {
    while (sampling) {
      const [{ n }] = await producerDs.query(`SELECT count(*)::int AS n FROM platform_outbox`);
      const w = written;
      const a = applied;
      samples.push({
        t: round((performance.now() - t0) / 1000, 2),
        written: w,
        inOutbox: n,
        inKafka: Math.max(0, w - n - a),
        applied: a,
      });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  let next = cfg.warmup;
  const end = cfg.warmup + cfg.events;
  let writesDoneAt = 0;
  const writers = Array.from({ length: cfg.writers }, async () => {
    while (next < end && !signal.aborted) {
      const from = next;
      next = Math.min(end, from + cfg.eventsPerTransaction);
      const to = next;
      await pacer.before(from - cfg.warmup);
      await writeRange(from, to, false);
    }
    writesDoneAt = Math.max(writesDoneAt, performance.now());
  });
  try {
    await Promise.all(writers);
    await waitUntil(
      'platform events applied',
      () => applied >= cfg.events,
      deadline,
      signal,
      () => `written ${written}, applied ${applied}/${cfg.events}`,
    );
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
  }
  const cpuUse = await cpu();

  // Stop the pipeline before counting, so the check sees settled tables.
  await consumer.stop();
  await relay.stop();
  const count = async (ds: DataSource, sql: string) => ((await ds.query(sql)) as Array<{ n: number }>)[0].n;
  const check = {
    effectRows: await count(consumerDs, `SELECT count(*)::int AS n FROM bench_effect`),
    distinctEffects: await count(consumerDs, `SELECT count(DISTINCT event_id)::int AS n FROM bench_effect`),
    inboxApplied: await count(
      consumerDs,
      `SELECT count(*)::int AS n FROM platform_inbox WHERE status = 'applied'`,
    ),
    outboxLeft: await count(producerDs, `SELECT count(*)::int AS n FROM platform_outbox`),
    exactlyOnce: false,
  };
  const total = cfg.warmup + cfg.events;
  check.exactlyOnce =
    check.effectRows === total &&
    check.distinctEffects === total &&
    check.inboxApplied === total &&
    check.outboxLeft === 0;

  const seconds = (lastAppliedAt - t0) / 1000;
  return {
    path: cfg.batchHandler ? 'platform, onBatch handler' : 'platform, on handler',
    events: applied,
    seconds: round(seconds, 3),
    eventsPerSecond: round(applied / seconds, 0),
    writeEventsPerSecond: round(cfg.events / ((writesDoneAt - t0) / 1000), 0),
    drainSeconds: round((lastAppliedAt - writesDoneAt) / 1000, 3),
    latency: summarize(latencies),
    deliveryLatency: summarize(deliveryLatencies),
    cpu: cpuUse,
    maxInOutbox: Math.max(0, ...samples.map((s) => s.inOutbox)),
    maxInKafka: Math.max(0, ...samples.map((s) => s.inKafka)),
    samples,
    check,
  };
}

import { fromBinary } from '@bufbuild/protobuf';
import { EventRegistry, type TopicDefinition, deadLetterTopicName } from '@hosp/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import pino, { type Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { envelopeFromHeaders, headerValue } from '../envelope/cloud-event-headers';
import { TopicNamer } from '../kafka-settings';
import { ensureDeadLetterTopics, ensureTopics } from '../topic-admin';
import { backboneMetrics } from '../metrics';
import { type BatchEventHandler, batchFormOf, type ConsumedEvent, type EventHandler } from './consumed-event';
import { deadLetterHeaders, REPLAY_HEADER } from './dead-letter';
import { MalformedEventError, PermanentEventError, isTransientInfrastructureError } from './errors';

export interface RetryPolicy {
  /** Tries per event before it is dead-lettered (the first try included). */
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface InboxConsumerOptions {
  kafka: Kafka;
  dataSource: DataSource;
  /** Logical consumer group, `<service>.<purpose>` (the deployment prefix is applied to it like to topics). */
  groupId: string;
  topics: readonly TopicDefinition[];
  /** Handlers by CloudEvents type (protobuf full name); types without a handler are skipped. */
  handlers: Iterable<[string, EventHandler]> | Record<string, EventHandler>;
  topicPrefix?: string;
  retry?: Partial<RetryPolicy>;
  /** Events applied per database transaction (the inbox rows of a chunk are written in one statement). */
  maxEventsPerTransaction?: number;
  partitionsConsumedConcurrently?: number;
  /** A new group starts from the earliest offset, so events produced before it existed are not skipped. */
  fromBeginning?: boolean;
  /**
   * How long inbox rows are kept (default 45 days). It must exceed the longest retention of the topics read
   * (the catalogue's retentionDays, 30 at most) so a redelivered record always finds its row.
   */
  inboxRetentionDays?: number;
  logger?: Logger;
}

interface Prepared {
  message: KafkaMessage;
  id: string;
  type: string;
  event?: ConsumedEvent;
  handler?: EventHandler;
  malformed?: Error;
  replay: boolean;
}

interface ChunkOutcome {
  counts: { applied: number; duplicate: number; dead_lettered: number };
}

/** Thrown inside the fast-path transaction to roll it back and redo the chunk event by event. */
class CarefulModeNeeded extends Error {}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialBackoffMs: 200, maxBackoffMs: 5_000 };

/**
 * Consumes catalogue topics with exactly-once effect (docs/adr/0004):
 * - each event's effect and its inbox row commit in one PostgreSQL transaction; a redelivered event finds
 *   its inbox row and changes nothing;
 * - offsets are committed to Kafka only after that transaction, so a crash loses nothing;
 * - a failing event is retried with exponential backoff inside a savepoint, in place, so the events behind
 *   it on the partition keep their order; after the retry budget (or at once for a malformed or
 *   PermanentEventError event) it goes to `<topic>.dlq.<group>` with the error in headers, and the
 *   partition moves on. Nothing is dropped silently;
 * - infrastructure errors (database down, deadlock) never dead-letter: the batch is retried.
 */
export class InboxConsumer {
  private readonly log: Logger;
  private readonly namer: TopicNamer;
  private readonly handlers: Map<string, EventHandler>;
  private readonly retry: RetryPolicy;
  private consumer?: Consumer;
  private dlqProducer?: Producer;
  private pruneTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(private readonly opts: InboxConsumerOptions) {
    this.log = opts.logger ?? pino({ name: 'inbox-consumer' }).child({ group: opts.groupId });
    this.namer = new TopicNamer(opts.topicPrefix ?? '');
    this.handlers = new Map(
      Symbol.iterator in Object(opts.handlers)
        ? (opts.handlers as Iterable<[string, EventHandler]>)
        : Object.entries(opts.handlers as Record<string, EventHandler>),
    );
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  get groupId(): string {
    return this.opts.groupId;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const kafka = this.opts.kafka;
    // The consumed topics come from the catalogue with their partitions and retention, so a consumer does not
    // depend on its producer's service having booted first (topic creation is idempotent).
    await ensureTopics(kafka, this.opts.topics, this.opts.topicPrefix ?? '');
    // Dead-letter topics exist before anything can be dead-lettered, with a retention of their own.
    await ensureDeadLetterTopics(kafka, this.opts.topics, this.opts.groupId, this.opts.topicPrefix ?? '');
    const consumer = kafka.consumer({
      groupId: this.namer.name(this.opts.groupId),
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      // Catalogue topics are created from the catalogue (ensureTopics), never by a subscriber with broker defaults.
      allowAutoTopicCreation: false,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    // Kept before connecting, so stop() also releases a consumer whose start failed half-way.
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.stopping) return;
      // kafkajs gives up on non-retriable errors; a consumer group that silently stops is worse than a retry.
      this.log.error({ err: payload.error }, 'consumer crashed and kafkajs will not restart it; restarting');
      void this.restartAfterCrash();
    });
    this.dlqProducer = kafka.producer({ allowAutoTopicCreation: false });
    await this.dlqProducer.connect();
    await consumer.connect();
    await consumer.subscribe({
      topics: this.opts.topics.map((t) => this.namer.name(t)),
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.onBatch(consumer, payload),
    });
    if (this.stopping) {
      // stop() was called while we were still connecting.
      await this.disconnect();
      return;
    }
    clearInterval(this.pruneTimer);
    this.pruneTimer = setInterval(() => {
      this.pruneInbox().catch((err) => this.log.warn({ err }, 'inbox pruning failed; will try again'));
    }, 3_600_000);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    clearInterval(this.pruneTimer);
    const consumer = this.consumer;
    const producer = this.dlqProducer;
    this.consumer = undefined;
    this.dlqProducer = undefined;
    await consumer?.disconnect().catch((err) => this.log.warn({ err }, 'consumer disconnect failed'));
    await producer?.disconnect().catch(() => undefined);
  }

  private async restartAfterCrash(): Promise<void> {
    let delay = 1_000;
    while (!this.stopping) {
      try {
        await this.disconnect();
        // unref: a pending retry must not keep a stopping process alive.
        await new Promise((r) => setTimeout(r, delay).unref());
        if (this.stopping) return;
        await this.start();
        return;
      } catch (err) {
        this.log.warn({ err, retryInMs: delay }, 'consumer restart failed');
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  /** Deletes this group's inbox rows older than the retention, in slices that hold locks only briefly. */
  async pruneInbox(olderThanDays = this.opts.inboxRetentionDays ?? 45): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: Array<{ n: number }> = await this.opts.dataSource.query(
        `WITH gone AS (
           DELETE FROM platform_inbox WHERE ctid IN (
             SELECT ctid FROM platform_inbox
             WHERE consumer_group = $1 AND processed_at < now() - make_interval(days => $2)
             LIMIT 5000)
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [this.opts.groupId, olderThanDays],
      );
      total += rows[0].n;
      if (rows[0].n < 5000) return total;
    }
  }

  private async onBatch(
    consumer: Consumer,
    { batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload,
  ): Promise<void> {
    const chunkSize = this.opts.maxEventsPerTransaction ?? 500;
    const topic = this.namer.logical(batch.topic);
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + chunkSize);
      await this.applyChunk(topic, batch.partition, chunk, heartbeat);
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      // The effect is committed; only now may Kafka forget the records.
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      await heartbeat();
    }
  }

  private prepare(topic: string, partition: number, message: KafkaMessage): Prepared {
    const fallbackId = `${topic}:${partition}:${message.offset}`;
    const replay = headerValue(message.headers, REPLAY_HEADER) !== undefined;
    let envelope;
    try {
      envelope = envelopeFromHeaders(message.headers);
    } catch (err) {
      return {
        message,
        id: fallbackId,
        type: '',
        replay,
        malformed: new MalformedEventError((err as Error).message),
      };
    }
    const handler = this.handlers.get(envelope.type);
    const base = { message, id: envelope.id, type: envelope.type, replay };
    if (!handler) return base;
    const schema = EventRegistry.getMessage(envelope.type);
    if (!schema)
      return { ...base, handler, malformed: new MalformedEventError(`unknown event type ${envelope.type}`) };
    try {
      const payload = fromBinary(schema, message.value ?? new Uint8Array());
      const key = message.key ? message.key.toString('utf8') : null;
      return {
        ...base,
        handler,
        event: { envelope, schema, payload, topic, partition, offset: message.offset, key },
      };
    } catch (err) {
      return {
        ...base,
        handler,
        malformed: new MalformedEventError(
          `payload does not decode as ${envelope.type}: ${(err as Error).message}`,
        ),
      };
    }
  }

  private async applyChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const prepared = messages
      .map((m) => this.prepare(topic, partition, m))
      .filter((p) => p.handler || p.malformed);
    const started = Date.now();
    // Fast path first: the whole chunk in one transaction, no savepoint per event. The first handler failure
    // rolls it all back, and the chunk is applied again in careful mode (a savepoint and retries per event),
    // which isolates the failing event. Handlers write only through the transaction, so running the events
    // before the failure twice changes nothing.
    let outcome: ChunkOutcome;
    try {
      outcome = await this.applyInTransaction(topic, partition, prepared, heartbeat, false);
    } catch (err) {
      if (!(err instanceof CarefulModeNeeded)) throw err;
      outcome = await this.applyInTransaction(topic, partition, prepared, heartbeat, true);
    }
    const { counts } = outcome;

    const m = backboneMetrics.consumerEvents();
    for (const [outcome, n] of Object.entries(counts))
      if (n) m.inc({ group: this.opts.groupId, topic, outcome }, n);
    const age = backboneMetrics.consumerLatency().labels(this.opts.groupId);
    const now = Date.now();
    for (const p of prepared) {
      const t = p.event?.envelope.time;
      if (t) age.observe(Math.max(0, now - Number(t.seconds) * 1000 - t.nanos / 1e6) / 1000);
    }
    this.log.debug({ topic, partition, ...counts, ms: Date.now() - started }, 'chunk committed');
  }

  private async applyInTransaction(
    topic: string,
    partition: number,
    prepared: Prepared[],
    heartbeat: () => Promise<void>,
    careful: boolean,
  ): Promise<ChunkOutcome> {
    const counts = { applied: 0, duplicate: 0, dead_lettered: 0 };
    const deadLetters: Message[] = [];
    await this.opts.dataSource.transaction(async (manager) => {
      const fresh = await this.claim(manager, topic, partition, prepared);
      const done = new Set<string>();
      let lastBeat = Date.now();
      // Fast path only: consecutive events for the same batch handler, applied together.
      let run: { handler: BatchEventHandler; events: ConsumedEvent[] } | undefined;
      const fast = async (apply: () => Promise<void>) => {
        try {
          await apply();
        } catch (err) {
          if (isTransientInfrastructureError(err)) throw err;
          throw new CarefulModeNeeded();
        }
      };
      const flush = async () => {
        const r = run;
        run = undefined;
        if (r) await fast(() => r.handler(r.events, manager));
      };
      for (const p of prepared) {
        // Long chunks keep the group membership alive (kafkajs heartbeats only when asked); asked at most once
        // a second, well inside the 3 s heartbeat interval, rather than once per event.
        if (Date.now() - lastBeat > 1_000) {
          await this.beat(heartbeat);
          lastBeat = Date.now();
        }
        if (!fresh.has(p.id) || done.has(p.id)) {
          counts.duplicate++;
          continue;
        }
        done.add(p.id);
        let failure: unknown = p.malformed;
        if (!failure && careful) failure = await this.applyWithRetry(manager, p, heartbeat);
        if (!failure && !careful) {
          const batch = batchFormOf(p.handler!);
          if (batch) {
            if (run && run.handler !== batch) await flush();
            (run ??= { handler: batch, events: [] }).events.push(p.event!);
          } else {
            await flush();
            await fast(() => p.handler!(p.event!, manager));
          }
        }
        if (!failure) {
          counts.applied++;
          continue;
        }
        const attempts = p.malformed || failure instanceof PermanentEventError ? 1 : this.retry.attempts;
        await manager.query(
          `UPDATE platform_inbox SET status = 'dead_lettered', error = $3 WHERE consumer_group = $1 AND event_id = $2`,
          [this.opts.groupId, p.id, String((failure as Error).message ?? failure).slice(0, 2000)],
        );
        deadLetters.push({
          key: p.message.key,
          value: p.message.value,
          headers: deadLetterHeaders(p.message, {
            topic,
            partition,
            group: this.opts.groupId,
            error: failure,
            attempts,
          }),
        });
        counts.dead_lettered++;
        this.log.error(
          { err: failure, eventId: p.id, eventType: p.type, topic, partition, offset: p.message.offset },
          'event dead-lettered',
        );
      }
      await flush();
      // Inside the transaction: if the DLQ write fails, nothing commits and the chunk is retried.
      // One record per request: a chunk of failures with their stacks could exceed the broker's request size.
      for (const record of deadLetters) {
        await this.dlqProducer!.send({
          topic: this.namer.name(deadLetterTopicName(topic, this.opts.groupId)),
          acks: -1,
          messages: [record],
        });
      }
    });
    return { counts };
  }

  /**
   * Writes the inbox rows of the chunk in one statement and returns the ids this group has not applied
   * before. A replayed event (from a DLQ) whose earlier try was dead-lettered is taken up again.
   */
  private async claim(
    manager: EntityManager,
    topic: string,
    partition: number,
    prepared: Prepared[],
  ): Promise<Set<string>> {
    if (prepared.length === 0) return new Set();
    const rows: Array<{ event_id: string }> = await manager.query(
      `INSERT INTO platform_inbox (consumer_group, event_id, topic, kafka_partition, kafka_offset, event_type, status)
       SELECT $1, u.id, $2, $3, u.off, u.type, 'applied'
       FROM unnest($4::text[], $5::bigint[], $6::text[]) AS u(id, off, type)
       ON CONFLICT (consumer_group, event_id) DO NOTHING
       RETURNING event_id`,
      [
        this.opts.groupId,
        topic,
        partition,
        prepared.map((p) => p.id),
        prepared.map((p) => p.message.offset),
        prepared.map((p) => p.type),
      ],
    );
    const fresh = new Set(rows.map((r) => r.event_id));
    const replays = prepared.filter((p) => p.replay && !fresh.has(p.id)).map((p) => p.id);
    if (replays.length) {
      const retaken: Array<{ event_id: string }> = await manager.query(
        // A CTE, because TypeORM returns [rows, count] for a bare UPDATE ... RETURNING but rows for a SELECT.
        `WITH retaken AS (
           UPDATE platform_inbox SET status = 'applied', error = NULL, processed_at = now()
           WHERE consumer_group = $1 AND event_id = ANY($2::text[]) AND status = 'dead_lettered'
           RETURNING event_id)
         SELECT event_id FROM retaken`,
        [this.opts.groupId, replays],
      );
      for (const r of retaken) fresh.add(r.event_id);
    }
    return fresh;
  }

  /**
   * Heartbeats from inside a transaction. A failure (a rebalance began) must not roll the work back: the
   * transaction still commits, the offset commit after it is refused, and the next owner of the partition
   * skips the applied events through the inbox.
   */
  private async beat(heartbeat: () => Promise<void>): Promise<void> {
    try {
      await heartbeat();
    } catch (err) {
      this.log.debug({ err }, 'heartbeat refused during a chunk; finishing it anyway');
    }
  }

  /** Runs the handler in a savepoint, retrying with backoff; returns the last error, or undefined on success. */
  private async applyWithRetry(
    manager: EntityManager,
    p: Prepared,
    heartbeat: () => Promise<void>,
  ): Promise<unknown> {
    let backoff = this.retry.initialBackoffMs;
    // A handler may reject with anything, undefined included: failure is a flag, not "an error was set".
    let lastError: unknown = new Error('handler failed');
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      await manager.query('SAVEPOINT inbox_event');
      try {
        await p.handler!(p.event!, manager);
        await manager.query('RELEASE SAVEPOINT inbox_event');
        return undefined;
      } catch (err) {
        if (isTransientInfrastructureError(err)) throw err;
        await manager.query('ROLLBACK TO SAVEPOINT inbox_event');
        lastError = err ?? new Error(`handler rejected with ${String(err)}`);
        if (err instanceof PermanentEventError) return err;
        this.log.warn({ err, eventId: p.id, attempt, of: this.retry.attempts }, 'event handler failed');
        if (attempt < this.retry.attempts) {
          await this.beat(heartbeat);
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, this.retry.maxBackoffMs);
        }
      }
    }
    return lastError;
  }
}

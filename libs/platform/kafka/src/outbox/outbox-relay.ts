import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import { Client } from 'pg';
import pino, { type Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { TopicNamer } from '../kafka-settings';
import { backboneMetrics } from '../metrics';
import { OUTBOX_CHANNEL } from './outbox-writer';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  /** Connection string for the relay's own session: it holds the leader lock and LISTENs for new rows. */
  databaseUrl: string;
  kafka: Kafka;
  topicPrefix?: string;
  /** Rows per pass (one Kafka produce request per broker). */
  batchSize?: number;
  /** Poll interval when no NOTIFY arrives (covers a lost notification or a dropped LISTEN session). */
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  logger?: Logger;
}

/**
 * Publishes the outbox to Kafka, oldest row first, with an idempotent producer (acks=all, one request in
 * flight), and deletes rows once Kafka has acknowledged them. A crash between the acknowledgement and the
 * delete republishes those rows with the same ce_id; consumers' inboxes make that harmless.
 *
 * Only one relay per database publishes at a time (a PostgreSQL session advisory lock), so rows leave in
 * `seq` order and one key's events keep their order. Events of one aggregate are serialised by its row lock
 * in the writing transactions, so their `seq` order is their commit order. While Kafka is unreachable the
 * relay retries with capped exponential backoff; rows stay in PostgreSQL and nothing is lost.
 */
export class OutboxRelay {
  private readonly log: Logger;
  private readonly namer: TopicNamer;
  private producer?: Producer;
  private session?: Client;
  private leader = false;
  private stopped = true;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set by every NOTIFY; cleared before each read, so a commit that lands during a publish is not slept over. */
  private notified = false;
  private lastPendingCount = 0;

  constructor(private readonly opts: OutboxRelayOptions) {
    this.log = opts.logger ?? pino({ name: 'outbox-relay' });
    this.namer = new TopicNamer(opts.topicPrefix ?? '');
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await this.resetProducer();
    await this.closeSession();
  }

  /** Publishes until the outbox is empty (used by tools and tests that want a synchronous drain). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.publishBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  private async run(): Promise<void> {
    let backoff = 100;
    const max = this.opts.maxBackoffMs ?? 5_000;
    while (!this.stopped) {
      try {
        if (!this.leader && !(await this.acquireLeadership())) {
          await this.sleep(this.opts.pollIntervalMs ?? 1_000);
          continue;
        }
        this.notified = false;
        const n = await this.publishBatch();
        backoff = 100;
        if (n < (this.opts.batchSize ?? 500) && !this.notified)
          await this.sleep(this.opts.pollIntervalMs ?? 1_000);
      } catch (err) {
        backboneMetrics.outboxRelayErrors().inc();
        // A failed send leaves the idempotent producer's sequence numbers in doubt; after a broker restart
        // the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER (not retriable) to every further send. Start over
        // with a new producer id: rows are still in the outbox, and any that did reach Kafka are republished
        // with their ce_id, which consumers' inboxes skip.
        await this.resetProducer();
        this.log.warn(
          { err, retryInMs: backoff },
          'outbox relay pass failed; rows stay in the outbox and will be retried',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, max);
      }
    }
  }

  private async publishBatch(): Promise<number> {
    const rows: Array<{
      seq: string;
      topic: string;
      partition_key: string;
      payload: Buffer;
      headers: Record<string, string>;
    }> = await this.opts.dataSource.query(
      `SELECT seq, topic, partition_key, payload, headers FROM platform_outbox ORDER BY seq LIMIT $1`,
      [this.opts.batchSize ?? 500],
    );
    if (rows.length === 0) {
      this.updatePending(0);
      return 0;
    }
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const topic = this.namer.name(r.topic);
      if (!byTopic.has(topic)) byTopic.set(topic, []);
      byTopic.get(topic)!.push({ key: r.partition_key, value: r.payload, headers: r.headers });
    }
    const producer = await this.getProducer();
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await producer.sendBatch({ topicMessages, acks: -1 });
    await this.opts.dataSource.query(`DELETE FROM platform_outbox WHERE seq = ANY($1::bigint[])`, [
      rows.map((r) => r.seq),
    ]);
    for (const [topic, messages] of byTopic)
      backboneMetrics.outboxPublished().inc({ topic }, messages.length);
    if (rows.length < (this.opts.batchSize ?? 500)) this.updatePending(0);
    return rows.length;
  }

  private updatePending(n: number): void {
    if (n !== this.lastPendingCount) {
      this.lastPendingCount = n;
      backboneMetrics.outboxPending().set(n);
    }
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.opts.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect().catch(() => undefined);
  }

  private async acquireLeadership(): Promise<boolean> {
    if (!this.session) {
      const session = new Client({
        connectionString: this.opts.databaseUrl,
        application_name: 'outbox-relay',
      });
      session.on('error', (err) => {
        this.log.warn({ err }, 'outbox relay session lost; giving up leadership');
        this.leader = false;
        this.session = undefined;
      });
      session.on('notification', () => {
        this.notified = true;
        this.wake?.();
      });
      await session.connect();
      await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.session = session;
    }
    const r = await this.session.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext('platform_outbox_relay')) AS ok`,
    );
    this.leader = r.rows[0].ok;
    if (this.leader) this.log.info('outbox relay is the leader for this database');
    return this.leader;
  }

  private async closeSession(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    this.leader = false;
    await s?.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}

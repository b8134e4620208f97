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
  /**
   * Bytes per pass, payloads and headers together (default 512 KiB): one pass must fit the broker's request
   * limit (message.max.bytes, 1 MiB by default) even when every row goes to one partition.
   */
  maxBatchBytes?: number;
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
interface OutboxRow {
  seq: string;
  topic: string;
  partition_key: string;
  payload: Buffer;
  headers: Record<string, string>;
  size: number;
}

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
  private pendingCountedAt = 0;

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

  /**
   * Publishes until the outbox is empty, for tools and tests that want a synchronous drain. It does not take
   * the leader lock: use it only where no running relay shares the database.
   */
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
        await this.pump();
        backoff = 100;
        if (!this.notified) await this.sleep(this.opts.pollIntervalMs ?? 1_000);
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

  /**
   * Publishes batch after batch until a read finds the outbox empty. The sends stay strictly sequential (one
   * idempotent request in flight, so rows reach Kafka in the order they are sent), but the database work
   * around them overlaps: while batch N is in flight the relay already reads batch N+1 and deletes batch N-1.
   * A serial select -> send -> delete loop left the relay waiting on PostgreSQL for a third of each pass.
   *
   * The next read excludes the rows of the batch in flight and of the batch being deleted, rather than
   * reading past a `seq` cursor: a transaction that took a lower `seq` can commit after a higher one, and a
   * cursor would skip its rows. `notified` is cleared before every read, so when the loop ends `notified`
   * says whether a commit arrived after the read that found nothing.
   */
  private async pump(): Promise<void> {
    this.notified = false;
    let rows = await this.fetchBatch([]);
    let previous: string[] = [];
    let removing: Promise<void> = Promise.resolve();
    try {
      while (rows.length > 0 && !this.stopped) {
        const seqs = rows.map((r) => r.seq);
        const sending = this.send(rows);
        this.notified = false;
        const next = this.fetchBatch([...previous, ...seqs]);
        // Handled below (`await next`); this only keeps a failed send from leaving it unobserved.
        next.catch(() => undefined);
        await sending;
        await removing;
        removing = this.remove(seqs);
        removing.catch(() => undefined);
        previous = seqs;
        rows = await next;
      }
    } finally {
      await removing;
    }
  }

  /** One unpipelined pass (for `drain`): read, send, delete. */
  private async publishBatch(): Promise<number> {
    const rows = await this.fetchBatch([]);
    if (rows.length === 0) return 0;
    await this.send(rows);
    await this.remove(rows.map((r) => r.seq));
    return rows.length;
  }

  /**
   * The oldest rows not in `exclude`, cut to the longest prefix within the byte budget (at least one row:
   * the writer refuses rows that could not fit a request on their own).
   */
  private async fetchBatch(exclude: string[]): Promise<OutboxRow[]> {
    const fetched: OutboxRow[] = await this.opts.dataSource.query(
      `SELECT seq, topic, partition_key, payload, headers, octet_length(payload) + octet_length(headers::text) AS size
       FROM platform_outbox WHERE seq <> ALL($2::bigint[]) ORDER BY seq LIMIT $1`,
      [this.opts.batchSize ?? 500, exclude],
    );
    await this.updatePending(fetched.length, exclude.length);
    const budget = this.opts.maxBatchBytes ?? 512 * 1024;
    let bytes = 0;
    let take = 0;
    while (take < fetched.length && (take === 0 || bytes + Number(fetched[take].size) <= budget)) {
      bytes += Number(fetched[take].size);
      take++;
    }
    return take === fetched.length ? fetched : fetched.slice(0, take);
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const r of rows) {
      const topic = this.namer.name(r.topic);
      let messages = byTopic.get(topic);
      if (!messages) byTopic.set(topic, (messages = []));
      messages.push({ key: r.partition_key, value: r.payload, headers: r.headers });
    }
    const producer = await this.getProducer();
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await producer.sendBatch({ topicMessages, acks: -1 });
    for (const [topic, messages] of byTopic)
      backboneMetrics.outboxPublished().inc({ topic }, messages.length);
  }

  private async remove(seqs: string[]): Promise<void> {
    await this.opts.dataSource.query(`DELETE FROM platform_outbox WHERE seq = ANY($1::bigint[])`, [seqs]);
  }

  /**
   * The pending gauge: when a read sees the whole outbox, what it read plus the rows it excluded (in flight
   * or being deleted, so an upper bound by at most one batch); else a count at most every 5 s.
   */
  private async updatePending(fetched: number, excluded: number): Promise<void> {
    if (fetched < (this.opts.batchSize ?? 500)) {
      backboneMetrics.outboxPending().set(fetched + excluded);
      return;
    }
    if (Date.now() - this.pendingCountedAt < 5_000) return;
    this.pendingCountedAt = Date.now();
    const r: Array<{ n: number }> = await this.opts.dataSource.query(
      'SELECT count(*)::int AS n FROM platform_outbox',
    );
    backboneMetrics.outboxPending().set(r[0].n);
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.opts.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // Topics come from the catalogue (ensureTopics) with their partitions and retention, not broker defaults.
        allowAutoTopicCreation: false,
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
      try {
        await session.connect();
        await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
      } catch (err) {
        await session.end().catch(() => undefined);
        throw err;
      }
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

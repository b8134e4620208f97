import { Topics } from '@hosp/contracts';
import { isolatedContext, type IsolatedContext } from '@hosp/testing';
import type { DataSource } from 'typeorm';
import { InboxConsumer } from '../../src/consumer/inbox-consumer';
import { OutboxRelay } from '../../src/outbox/outbox-relay';
import { OutboxWriter } from '../../src/outbox/outbox-writer';
import {
  appliedCount,
  appliedOrder,
  effectHandler,
  groupLag,
  openBackbone,
  openBackboneDataSource,
  waitFor,
  writeEvents,
} from './support/backbone-fixture';

/** Issue "platform foundation", check 1: an event written through the outbox is applied exactly once, in key order. */
describe('outbox -> Kafka -> inbox: exactly once in effect, in key order', () => {
  let ctx: IsolatedContext;
  let ds: DataSource;
  let relay: OutboxRelay;
  let consumer: InboxConsumer;

  beforeAll(async () => {
    ({ ctx, ds } = await openBackbone());
  });

  afterAll(async () => {
    await consumer?.stop();
    await relay?.stop();
    await ds?.destroy();
    await ctx?.cleanup();
  });

  it('applies every event once, each patient in the order written, and ignores republished duplicates', async () => {
    const patients = Array.from({ length: 20 }, (_, i) => `P${String(i).padStart(4, '0')}`);
    const perPatient = 30;
    const writer = new OutboxWriter(ctx.kafkaSettings('his'));
    // Interleave patients; several events per transaction, like a real request that changes several things.
    const written: string[] = [];
    for (let seq = 1; seq <= perPatient; seq++) {
      written.push(
        ...(await writeEvents(
          ds,
          writer,
          patients.map((patientId) => ({ patientId, seq })),
        )),
      );
    }

    relay = new OutboxRelay({
      dataSource: ds,
      databaseUrl: ctx.databaseUrl,
      kafka: ctx.kafka('his'),
      topicPrefix: ctx.topicPrefix,
      batchSize: 97,
      pollIntervalMs: 100,
    });
    relay.start();
    consumer = new InboxConsumer({
      kafka: ctx.kafka('lab'),
      dataSource: ds,
      groupId: 'test.exactly-once',
      topics: [Topics.HisPatient],
      topicPrefix: ctx.topicPrefix,
      handlers: [effectHandler()],
      maxEventsPerTransaction: 64,
    });
    await consumer.start();

    const total = patients.length * perPatient;
    await waitFor(
      'all events applied',
      () => appliedCount(ds),
      (n) => n >= total,
    );
    await waitFor(
      'outbox drained',
      async () => (await ds.query('SELECT count(*)::int AS n FROM platform_outbox'))[0].n,
      (n) => n === 0,
    );

    // The relay can publish a row twice (crash after Kafka's ack, before the delete). Simulate exactly that:
    // put 100 already-published events back into the outbox with their original ids and headers.
    const kafka = ctx.kafka('observer');
    const topic = ctx.topicPrefix + Topics.HisPatient.name;
    await relay.stop();
    const admin = kafka.admin();
    await admin.connect();
    const before = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
    await admin.disconnect();
    const dupConsumer = kafka.consumer({ groupId: `${ctx.topicPrefix}capture` });
    const captured: Array<{ key: Buffer | null; value: Buffer | null; headers: Record<string, string> }> = [];
    await dupConsumer.connect();
    await dupConsumer.subscribe({ topic, fromBeginning: true });
    await dupConsumer.run({
      eachMessage: async ({ message }) => {
        if (captured.length < 100) {
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          );
          captured.push({ key: message.key, value: message.value, headers });
        }
      },
    });
    await waitFor(
      'captured published records',
      async () => captured.length,
      (n) => n >= 100,
    );
    await dupConsumer.disconnect();
    for (const c of captured) {
      await ds.query(
        `INSERT INTO platform_outbox (event_id, topic, partition_key, event_type, payload, headers) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          c.headers['ce_id'],
          Topics.HisPatient.name,
          c.key!.toString(),
          c.headers['ce_type'],
          c.value,
          c.headers,
        ],
      );
    }
    relay = new OutboxRelay({
      dataSource: ds,
      databaseUrl: ctx.databaseUrl,
      kafka: ctx.kafka('his'),
      topicPrefix: ctx.topicPrefix,
    });
    relay.start();
    const admin2 = kafka.admin();
    await admin2.connect();
    await waitFor(
      'duplicates published',
      async () => (await admin2.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0),
      (n) => n === before + 100,
    );
    await admin2.disconnect();
    await waitFor(
      'consumer caught up',
      () => groupLag(kafka, `${ctx.topicPrefix}test.exactly-once`, topic),
      (lag) => lag === 0,
    );

    expect(await appliedCount(ds)).toBe(total);
    const distinct = await ds.query(`SELECT count(DISTINCT event_id)::int AS n FROM effect_log`);
    expect(distinct[0].n).toBe(total);
    expect(new Set(written).size).toBe(total);
    const counters: Array<{ applied: number }> = await ds.query(`SELECT applied FROM effect_counter`);
    expect(counters).toHaveLength(patients.length);
    expect(counters.every((c) => c.applied === perPatient)).toBe(true);
    const order = await appliedOrder(ds);
    for (const p of patients)
      expect(order.get(p)).toEqual(Array.from({ length: perPatient }, (_, i) => i + 1));
    const inbox = await ds.query(`SELECT count(*)::int AS n FROM platform_inbox WHERE status = 'applied'`);
    expect(inbox[0].n).toBe(total);
  });
});

describe('inbox retention', () => {
  let ctx: IsolatedContext;
  let ds: DataSource;

  beforeAll(async () => {
    ctx = await isolatedContext();
    ds = await openBackboneDataSource(ctx.databaseUrl);
  });

  afterAll(async () => {
    await ds?.destroy();
    await ctx?.cleanup();
  });

  it('prunes only the group rows older than the retention', async () => {
    const insert = (group: string, id: string, daysAgo: number) =>
      ds.query(
        `INSERT INTO platform_inbox (consumer_group, event_id, topic, kafka_partition, kafka_offset, event_type, status, processed_at)
         VALUES ($1, $2, 't', 0, 0, 'x', 'applied', now() - make_interval(days => $3))`,
        [group, id, daysAgo],
      );
    for (let i = 0; i < 12; i++) await insert('g.prune', `old-${i}`, 50);
    await insert('g.prune', 'recent', 10);
    await insert('g.other', 'old-other', 50);
    const consumer = new InboxConsumer({
      kafka: ctx.kafka(),
      dataSource: ds,
      groupId: 'g.prune',
      topics: [Topics.HisPatient],
      handlers: [],
    });
    expect(await consumer.pruneInbox(45)).toBe(12);
    const left: Array<{ event_id: string }> = await ds.query(
      `SELECT event_id FROM platform_inbox ORDER BY event_id`,
    );
    expect(left.map((r) => r.event_id)).toEqual(['old-other', 'recent']);
  });
});

import { Topics, deadLetterTopicName } from '@hosp/contracts';
import { type IsolatedContext } from '@hosp/testing';
import type { KafkaMessage } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { headerValue } from '../../src/envelope/cloud-event-headers';
import { DlqHeader, REPLAY_HEADER } from '../../src/consumer/dead-letter';
import { InboxConsumer } from '../../src/consumer/inbox-consumer';
import { replayDeadLetters } from '../../src/dlq/dead-letter-replayer';
import { OutboxWriter } from '../../src/outbox/outbox-writer';
import {
  appliedOrder,
  effectBatchHandler,
  effectHandler,
  groupLag,
  openBackbone,
  publishOutbox,
  waitFor,
  writeEvents,
} from './support/backbone-fixture';

/**
 * Issue "platform foundation", check 4: a poison event lands in the group's DLQ with its error, the events
 * behind it on the partition are processed, and the DLQ can be replayed once the cause is fixed.
 */
describe.each([
  ['per-event handler (on)', effectHandler],
  ['batch handler (onBatch)', effectBatchHandler],
])('poison events with a %s: dead-letter topic, the partition moves on, replay', (_kind, makeHandler) => {
  let ctx: IsolatedContext;
  let ds: DataSource;
  let consumer: InboxConsumer;
  const groupId = 'test.poison';
  let poisonActive = true;

  beforeAll(async () => {
    ({ ctx, ds } = await openBackbone());
  });

  afterAll(async () => {
    await consumer?.stop();
    await ds?.destroy();
    await ctx?.cleanup();
  });

  async function readDlq(count: number): Promise<KafkaMessage[]> {
    const got: KafkaMessage[] = [];
    const c = ctx.kafka().consumer({ groupId: `${ctx.topicPrefix}dlq-reader-${Date.now()}` });
    await c.connect();
    await c.subscribe({
      topic: ctx.topicPrefix + deadLetterTopicName(Topics.HisPatient.name, groupId),
      fromBeginning: true,
    });
    await c.run({ eachMessage: async ({ message }) => void got.push(message) });
    await waitFor(
      'dead letters',
      async () => got.length,
      (n) => n >= count,
    );
    await c.disconnect();
    return got;
  }

  it('dead-letters the poison event with its error and applies the ones behind it, in order', async () => {
    const writer = new OutboxWriter(ctx.kafkaSettings('his'));
    const ids = await writeEvents(ds, writer, [
      { patientId: 'X1', seq: 1 },
      { patientId: 'X1', seq: 'POISON' },
      { patientId: 'X1', seq: 3 },
      { patientId: 'X1', seq: 4 },
    ]);
    await publishOutbox(ctx, ds);
    // A record nobody can read: right type header, bytes that are not a PatientRegistered.
    const producer = ctx.kafka().producer();
    await producer.connect();
    await producer.send({
      topic: ctx.topicPrefix + Topics.HisPatient.name,
      messages: [
        {
          key: 'X1',
          value: Buffer.from([0xff, 0xff, 0xff, 0xff]),
          headers: {
            ce_id: 'garbage-1',
            ce_type: 'hosp.his.v1.PatientRegistered',
            ce_source: 'urn:test',
            ce_specversion: '1.0',
          },
        },
      ],
    });
    await producer.disconnect();
    await writeEvents(ds, writer, [{ patientId: 'X1', seq: 6 }]);
    await publishOutbox(ctx, ds);

    consumer = new InboxConsumer({
      kafka: ctx.kafka('lab'),
      dataSource: ds,
      groupId,
      topics: [Topics.HisPatient],
      topicPrefix: ctx.topicPrefix,
      handlers: [makeHandler({ poison: () => poisonActive })],
      retry: { attempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    await consumer.start();
    await waitFor(
      'caught up',
      () => groupLag(ctx.kafka(), ctx.topicPrefix + groupId, ctx.topicPrefix + Topics.HisPatient.name),
      (l) => l === 0,
    );

    expect((await appliedOrder(ds)).get('X1')).toEqual([1, 3, 4, 6]);
    const dlq = await readDlq(2);
    const poison = dlq.find((m) => headerValue(m.headers, 'ce_id') === ids[1])!;
    expect(poison).toBeDefined();
    expect(headerValue(poison.headers, DlqHeader.error)).toContain('poison');
    expect(headerValue(poison.headers, DlqHeader.attempts)).toBe('3');
    expect(headerValue(poison.headers, DlqHeader.originalTopic)).toBe(Topics.HisPatient.name);
    expect(headerValue(poison.headers, DlqHeader.consumerGroup)).toBe(groupId);
    expect(headerValue(poison.headers, 'ce_type')).toBe('hosp.his.v1.PatientRegistered');
    expect(poison.key?.toString()).toBe('X1');
    const garbage = dlq.find((m) => headerValue(m.headers, 'ce_id') === 'garbage-1')!;
    expect(headerValue(garbage.headers, DlqHeader.errorType)).toBe('MalformedEventError');
    expect(headerValue(garbage.headers, DlqHeader.attempts)).toBe('1');
    const inbox = await ds.query(
      `SELECT event_id, status, error FROM platform_inbox WHERE status = 'dead_lettered' ORDER BY event_id`,
    );
    expect(inbox.map((r: { event_id: string }) => r.event_id).sort()).toEqual([ids[1], 'garbage-1'].sort());
  });

  it('replays the DLQ onto its topic once the cause is fixed, and only once', async () => {
    poisonActive = false;
    const first = await replayDeadLetters({
      kafka: ctx.kafka(),
      topic: Topics.HisPatient.name,
      groupId,
      topicPrefix: ctx.topicPrefix,
    });
    expect(first.replayed).toBe(2);
    await waitFor(
      'poison event applied after replay',
      async () => (await appliedOrder(ds)).get('X1')?.length ?? 0,
      (n) => n === 5,
    );
    // The poison event was seq "POISON" (recorded as -1); the garbage record still cannot decode.
    expect((await appliedOrder(ds)).get('X1')).toEqual([1, 3, 4, 6, -1]);
    // The garbage record, replayed too, is dead-lettered again; wait for that before replaying once more.
    await readDlq(3);
    const second = await replayDeadLetters({
      kafka: ctx.kafka(),
      topic: Topics.HisPatient.name,
      groupId,
      topicPrefix: ctx.topicPrefix,
    });
    // Only the garbage record, dead-lettered again by the first replay, is new in the DLQ; replaying it a
    // second time dead-letters it a third time. Every failure stays on record with its replay count.
    expect(second.replayed).toBe(1);
    const dlq = await readDlq(4);
    const garbage = dlq.filter((m) => headerValue(m.headers, 'ce_id') === 'garbage-1');
    expect(garbage.map((m) => headerValue(m.headers, REPLAY_HEADER))).toEqual([undefined, '1', '2']);
    expect((await appliedOrder(ds)).get('X1')).toEqual([1, 3, 4, 6, -1]);
  });
});

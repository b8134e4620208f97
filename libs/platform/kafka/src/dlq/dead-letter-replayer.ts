import { deadLetterTopicName } from '@hosp/contracts';
import type { IHeaders, Kafka } from 'kafkajs';
import pino, { type Logger } from 'pino';
import { headerValue } from '../envelope/cloud-event-headers';
import { TopicNamer } from '../kafka-settings';
import { DlqHeader, REPLAY_HEADER } from '../consumer/dead-letter';

export interface ReplayOptions {
  kafka: Kafka;
  /** Logical topic whose dead letters to replay (e.g. Topics.LabResult.name). */
  topic: string;
  /** The consumer group whose DLQ it is. */
  groupId: string;
  topicPrefix?: string;
  logger?: Logger;
  /** Gives up (and rejects) after this long; what was replayed so far stays replayed. Default 5 minutes. */
  timeoutMs?: number;
}

/**
 * Puts a consumer group's dead letters back onto their original topic, with their original key, value and
 * CloudEvents headers (so every group's inbox still recognises the event) and a replay counter. Replays
 * what the DLQ held when the call started and stops; a group `<group>.dlq-replay` remembers how far it got,
 * so running it twice does not replay twice.
 *
 * Run it after fixing the cause: `npm run dlq:replay -- --topic lab.result.v1 --group his.lab-results`.
 */
export async function replayDeadLetters(opts: ReplayOptions): Promise<{ replayed: number }> {
  const log = opts.logger ?? pino({ name: 'dlq-replay' });
  const namer = new TopicNamer(opts.topicPrefix ?? '');
  const dlq = namer.name(deadLetterTopicName(opts.topic, opts.groupId));
  const admin = opts.kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(dlq)) return { replayed: 0 };
    const offsets = await admin.fetchTopicOffsets(dlq);
    const groupId = namer.name(`${opts.groupId}.dlq-replay`);
    const committed = await admin.fetchOffsets({ groupId, topics: [dlq] });
    const start = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    ends = new Map(
      offsets
        .filter((o) => BigInt(o.high) > BigInt(o.low) && BigInt(o.high) > (start.get(o.partition) ?? -1n))
        .map((o) => [o.partition, BigInt(o.high)]),
    );
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return { replayed: 0 };

  const producer = opts.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = opts.kafka.consumer({ groupId: namer.name(`${opts.groupId}.dlq-replay`) });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: dlq, fromBeginning: true });
  let replayed = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const remaining = new Set(ends.keys());
      const timer = setTimeout(
        () => reject(new Error(`DLQ replay did not finish within ${opts.timeoutMs ?? 300_000} ms`)),
        opts.timeoutMs ?? 300_000,
      );
      const done = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      // consumer.run() resolves once running; a later crash (a failed produce) must end the replay too.
      consumer.on(consumer.events.CRASH, ({ payload }) => done(payload.error));
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const original = headerValue(message.headers, DlqHeader.originalTopic) ?? opts.topic;
            const headers: IHeaders = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              if (!k.startsWith('dlq_') && k !== REPLAY_HEADER && v !== undefined) headers[k] = v;
            }
            headers[REPLAY_HEADER] = String(Number(headerValue(message.headers, REPLAY_HEADER) ?? '0') + 1);
            await producer.send({
              topic: namer.name(original),
              acks: -1,
              messages: [{ key: message.key, value: message.value, headers }],
            });
            await consumer.commitOffsets([
              { topic: dlq, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
            replayed++;
            if (BigInt(message.offset) + 1n >= end) {
              remaining.delete(partition);
              if (remaining.size === 0) done();
            }
          },
        })
        .catch(done);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  log.info({ dlq, replayed }, 'dead letters replayed onto their topic');
  return { replayed };
}

import { randomUUID } from 'node:crypto';
import { create, type DescMessage, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema, type TopicDefinition } from '@hosp/contracts';
import { ensureTopics, envelopeToHeaders } from '@hosp/platform-kafka';
import type { Kafka } from 'kafkajs';
import type { BootedService } from './boot-service';

export interface ReadEvent {
  type: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes an event the way another platform service would (CloudEvents headers, protobuf value, key from
 * the catalogue's key field): a test stands in for the producing service. Returns the event id.
 */
export async function publishAs<D extends DescMessage>(
  booted: BootedService,
  source: string,
  topic: TopicDefinition,
  schema: D,
  init: MessageInitShape<D>,
  eventId: string = randomUUID(),
): Promise<string> {
  const message = create(schema, init);
  const key = String((message as Record<string, unknown>)[topic.keyField]);
  const headers = envelopeToHeaders(
    create(EnvelopeSchema, {
      id: eventId,
      type: schema.typeName,
      source: `urn:hosp:${source}`,
      time: timestampFromDate(new Date()),
      subject: key,
      facility: '79001',
      partitionKey: key,
      specVersion: '1.0',
      dataContentType: 'application/protobuf',
    }),
  );
  const kafka = booted.ctx.kafka(source);
  await ensureTopics(kafka, [topic], booted.ctx.topicPrefix);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic: `${booted.ctx.topicPrefix}${topic.name}`,
      messages: [{ key, value: Buffer.from(toBinary(schema, message)), headers }],
      acks: -1,
    });
  } finally {
    await producer.disconnect();
  }
  return eventId;
}

/**
 * Reads a topic from the beginning with a throwaway consumer group until `until` holds (or fails after
 * `timeoutMs`, naming what it saw). A catalogue topic is created first if the service has not yet.
 */
export async function readEvents(
  booted: BootedService,
  topic: TopicDefinition | { name: string },
  until: (events: ReadEvent[]) => boolean,
  timeoutMs = 20_000,
  /** Another cluster than the shared stack's (a test that runs its own broker). */
  kafka: Kafka = booted.ctx.kafka('reader'),
): Promise<ReadEvent[]> {
  if ('messages' in topic) await ensureTopics(kafka, [topic], booted.ctx.topicPrefix);
  const consumer = kafka.consumer({ groupId: `${booted.ctx.topicPrefix}reader-${randomUUID()}` });
  const seen: ReadEvent[] = [];
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    // The service may have created the topic a moment ago: until its partitions have leaders the broker
    // answers UNKNOWN_TOPIC_OR_PARTITION ("does not host this topic-partition"). Ask again shortly.
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.subscribe({ topic: `${booted.ctx.topicPrefix}${topic.name}`, fromBeginning: true });
        break;
      } catch (err) {
        if (attempt >= 40 || (err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.push({
          type: headers['ce_type'] ?? '',
          key: String(message.key),
          value: message.value!,
          headers,
        });
        if (until(seen)) done();
      },
    });
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`events on ${topic.name}: saw ${seen.map((e) => e.type).join(', ') || 'none'}`)),
        timeoutMs,
      );
    });
    await Promise.race([finished, timeout]);
    return seen;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

/** Polls `probe` until it returns a value (every 200 ms, up to `timeoutMs`). */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

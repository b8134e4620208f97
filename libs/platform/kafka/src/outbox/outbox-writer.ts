import { randomUUID } from 'node:crypto';
import { type DescMessage, type MessageShape, toBinary } from '@bufbuild/protobuf';
import type { TopicDefinition } from '@hosp/contracts';
import type { EntityManager } from 'typeorm';
import { newEventHeaders } from '../envelope/cloud-event-headers';
import { childTraceParent } from '../envelope/trace-context';
import type { KafkaSettings } from '../kafka-settings';

export const OUTBOX_CHANNEL = 'platform_outbox';

export interface AppendOptions {
  /** The aggregate the event is about; defaults to the record key. */
  subject?: string;
  /** The request or message that caused the event (HTTP x-correlation-id, HL7 MSH-10). */
  correlationId?: string;
  /** The caller's traceparent; the event becomes a child span of it. */
  traceparent?: string;
  /** When the state change happened; defaults to now. */
  time?: Date;
  /** The event id; defaults to a random UUID. Stable ids let a retried request produce the same event. */
  eventId?: string;
}

export class OutboxKeyError extends Error {}

/** An event that could not travel: Kafka's default record limit is 1 MiB (message.max.bytes). */
export class OutboxEventTooLargeError extends Error {}

/** Payload and headers of one event at most; large documents travel by reference, not inside events. */
export const MAX_EVENT_BYTES = 512 * 1024;

/**
 * Appends events to the transactional outbox. Call it with the EntityManager of the transaction that makes
 * the state change: the event becomes visible to the relay exactly when that change commits, and not at all
 * if it rolls back (docs/adr/0004). The record key comes from the catalogue's key field, so a producer cannot
 * put one patient's events on two partitions.
 */
/** One event for `appendAll`. */
export interface OutboxItem<D extends DescMessage = DescMessage> {
  topic: TopicDefinition;
  schema: D;
  message: MessageShape<D>;
  options?: AppendOptions;
}

/**
 * Appends events to the transactional outbox. Call it with the EntityManager of the transaction that makes
 * the state change: the events become visible to the relay exactly when that change commits, and not at all
 * if it rolls back (docs/adr/0004). The record key comes from the catalogue's key field, so a producer cannot
 * put one patient's events on two partitions.
 */
export class OutboxWriter {
  constructor(private readonly settings: Pick<KafkaSettings, 'service' | 'facility'>) {}

  async append<D extends DescMessage>(
    manager: EntityManager,
    topic: TopicDefinition,
    schema: D,
    message: MessageShape<D>,
    options: AppendOptions = {},
  ): Promise<string> {
    const [id] = await this.appendAll(manager, [{ topic, schema, message, options }]);
    return id;
  }

  /**
   * Appends several events of one transaction in one statement, in the given order (their `seq` order, so
   * the order the relay publishes them in). Returns their event ids.
   */
  async appendAll(manager: EntityManager, items: readonly OutboxItem[]): Promise<string[]> {
    if (items.length === 0) return [];
    const rows = items.map((item) => this.row(item));
    // One round trip: the insert, and the NOTIFY that wakes the relay (delivered on commit only, PostgreSQL
    // NOTIFY semantics). WITH ORDINALITY keeps the input order in seq.
    // The payloads travel as ONE binary parameter (sliced apart by offset in SQL) and the headers as ONE JSON
    // array: node-postgres sends a Buffer parameter as raw bytes, but a bytea[] or jsonb[] parameter as an
    // array literal it builds by hex-encoding and quote-escaping every element, which cost more CPU per event
    // than the rest of the append (bench/README.md).
    const offsets: number[] = [];
    let offset = 0;
    for (const r of rows) {
      offsets.push(offset);
      offset += r.payload.length;
    }
    await manager.query(
      `WITH inserted AS (
         INSERT INTO platform_outbox (event_id, topic, partition_key, event_type, payload, headers)
         SELECT u.id, u.topic, u.key, u.type, substring($7::bytea FROM u.off + 1 FOR u.len), h.value
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])
              WITH ORDINALITY AS u(id, topic, key, type, off, len, ord)
         JOIN jsonb_array_elements($8::jsonb) WITH ORDINALITY AS h(value, ord) ON h.ord = u.ord
         ORDER BY u.ord
         RETURNING 1)
       SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT count(*) FROM inserted) AS c`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.topic),
        rows.map((r) => r.key),
        rows.map((r) => r.type),
        offsets,
        rows.map((r) => r.payload.length),
        rows.length === 1
          ? rows[0].payload
          : Buffer.concat(
              rows.map((r) => r.payload),
              offset,
            ),
        `[${rows.map((r) => r.headersJson).join(',')}]`,
      ],
    );
    return rows.map((r) => r.id);
  }

  private row({ topic, schema, message, options = {} }: OutboxItem) {
    if (!topic.messages.some((m) => m.typeName === schema.typeName)) {
      throw new Error(`${schema.typeName} is not carried by topic ${topic.name} (see the topic catalogue)`);
    }
    const key = (message as Record<string, unknown>)[topic.keyField];
    if (typeof key !== 'string' || key.length === 0) {
      throw new OutboxKeyError(
        `${schema.typeName}.${topic.keyField} (the record key of ${topic.name}) is empty`,
      );
    }
    const id = options.eventId ?? randomUUID();
    const headers = newEventHeaders({
      id,
      type: schema.typeName,
      source: `urn:hosp:${this.settings.service}`,
      time: options.time ?? new Date(),
      subject: options.subject ?? key,
      traceparent: childTraceParent(options.traceparent),
      facility: this.settings.facility,
      partitionKey: key,
      correlationId: options.correlationId ?? '',
    });
    const payload = Buffer.from(toBinary(schema, message));
    const headersJson = JSON.stringify(headers);
    const size = payload.length + Buffer.byteLength(headersJson);
    if (size > MAX_EVENT_BYTES) {
      throw new OutboxEventTooLargeError(
        `${schema.typeName} of ${size} bytes exceeds ${MAX_EVENT_BYTES} bytes`,
      );
    }
    return {
      id,
      topic: topic.name,
      key,
      type: schema.typeName,
      payload,
      headersJson,
    };
  }
}

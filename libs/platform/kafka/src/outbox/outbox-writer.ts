import { randomUUID } from 'node:crypto';
import { type DescMessage, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import { EnvelopeSchema, type TopicDefinition } from '@hosp/contracts';
import type { EntityManager } from 'typeorm';
import { CE_SPEC_VERSION, envelopeToHeaders, PROTOBUF_CONTENT_TYPE } from '../envelope/cloud-event-headers';
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

/**
 * Appends events to the transactional outbox. Call it with the EntityManager of the transaction that makes
 * the state change: the event becomes visible to the relay exactly when that change commits, and not at all
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
    const envelope = create(EnvelopeSchema, {
      id,
      type: schema.typeName,
      source: `urn:hosp:${this.settings.service}`,
      specVersion: CE_SPEC_VERSION,
      time: timestampFromDate(options.time ?? new Date()),
      subject: options.subject ?? key,
      dataContentType: PROTOBUF_CONTENT_TYPE,
      traceparent: childTraceParent(options.traceparent),
      facility: this.settings.facility,
      partitionKey: key,
      correlationId: options.correlationId ?? '',
    });
    await manager.query(
      `INSERT INTO platform_outbox (event_id, topic, partition_key, event_type, payload, headers)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        id,
        topic.name,
        key,
        schema.typeName,
        Buffer.from(toBinary(schema, message)),
        envelopeToHeaders(envelope),
      ],
    );
    // Delivered to the relay's LISTEN connection on commit only (PostgreSQL NOTIFY semantics).
    await manager.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
    return id;
  }
}

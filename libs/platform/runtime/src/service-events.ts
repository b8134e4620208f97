import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import type { TopicDefinition } from '@hosp/contracts';
import { type AppendOptions, OutboxWriter } from '@hosp/platform-kafka';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from './http/request-context';

/**
 * Appends a service's events to the transactional outbox inside the caller's transaction, carrying the
 * request's correlation id and trace context onto the event (docs/adr/0004). Every service emits through it.
 */
@Injectable()
export class ServiceEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async emit<D extends DescMessage>(
    m: EntityManager,
    topic: TopicDefinition,
    schema: D,
    init: MessageInitShape<D>,
    ctx?: Partial<RequestContext>,
    options: Pick<AppendOptions, 'eventId' | 'time'> = {},
  ): Promise<string> {
    return this.outbox.append(m, topic, schema, create(schema, init), {
      ...options,
      correlationId: ctx?.correlationId || undefined,
      traceparent: ctx?.traceparent,
    });
  }

  /** Several events in one statement (OutboxWriter.appendAll), in order; returns their ids in that order. */
  async emitAll(m: EntityManager, events: readonly PendingEvent[]): Promise<string[]> {
    return this.outbox.appendAll(
      m,
      events.map((e) => ({
        topic: e.topic,
        schema: e.schema,
        message: create(e.schema, e.init),
        options: {
          ...e.options,
          correlationId: e.ctx?.correlationId || undefined,
          traceparent: e.ctx?.traceparent,
        },
      })),
    );
  }
}

/** One event for ServiceEvents.emitAll. */
export interface PendingEvent<D extends DescMessage = DescMessage> {
  topic: TopicDefinition;
  schema: D;
  init: MessageInitShape<D>;
  ctx?: Partial<RequestContext>;
  options?: Pick<AppendOptions, 'eventId' | 'time'>;
}

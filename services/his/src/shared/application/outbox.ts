import { create, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { TopicDefinition } from '@hosp/contracts';
import { OutboxWriter } from '@hosp/platform-kafka';
import type { RequestContext } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const ts = (d: Date): Timestamp => timestampFromDate(d);

/**
 * Appends HIS events to the transactional outbox inside the caller's transaction, carrying the request's
 * correlation id and trace context onto the event (docs/adr/0004).
 */
@Injectable()
export class HisEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async emit<D extends DescMessage>(
    m: EntityManager,
    topic: TopicDefinition,
    schema: D,
    init: MessageInitShape<D>,
    ctx?: Partial<RequestContext>,
  ): Promise<string> {
    return this.outbox.append(m, topic, schema, create(schema, init), {
      correlationId: ctx?.correlationId || undefined,
      traceparent: ctx?.traceparent,
    });
  }
}

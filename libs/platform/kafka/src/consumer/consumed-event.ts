import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { Envelope } from '@hosp/contracts';
import type { EntityManager } from 'typeorm';

export interface ConsumedEvent<D extends DescMessage = DescMessage> {
  envelope: Envelope;
  schema: D;
  payload: MessageShape<D>;
  /** Logical topic name (catalogue name, without the deployment prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
}

/**
 * Applies one event. `manager` is the transaction that also records the event in the inbox: write the
 * effect through it (and append follow-up events to the outbox through it) so that all of it commits or
 * none of it does.
 */
export type EventHandler<D extends DescMessage = DescMessage> = (
  event: ConsumedEvent<D>,
  manager: EntityManager,
) => Promise<void>;

/** Binds a handler to a message type, keeping the payload's type. */
export function on<D extends DescMessage>(schema: D, handler: EventHandler<D>): [string, EventHandler] {
  return [schema.typeName, handler as unknown as EventHandler];
}

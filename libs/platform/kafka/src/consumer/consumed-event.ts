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

/**
 * Applies a run of consecutive events of one type in one go (e.g. one multi-row INSERT for a projection).
 * The consumer calls it with as many events of a chunk as it can; when it fails, the chunk is redone one
 * event at a time (each in a savepoint, with retries), so a poison event is isolated exactly as with `on`.
 */
export type BatchEventHandler<D extends DescMessage = DescMessage> = (
  events: ConsumedEvent<D>[],
  manager: EntityManager,
) => Promise<void>;

const BATCH = Symbol('batch-handler');

/** Binds a batch handler to a message type. */
export function onBatch<D extends DescMessage>(
  schema: D,
  handler: BatchEventHandler<D>,
): [string, EventHandler] {
  const one: EventHandler = (event, manager) => handler([event as unknown as ConsumedEvent<D>], manager);
  return [schema.typeName, Object.assign(one, { [BATCH]: handler as unknown as BatchEventHandler })];
}

/** The batch form of a handler registered with `onBatch`, if it was. */
export function batchFormOf(handler: EventHandler): BatchEventHandler | undefined {
  return (handler as EventHandler & { [BATCH]?: BatchEventHandler })[BATCH];
}

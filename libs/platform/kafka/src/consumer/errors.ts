/**
 * A handler throws this when retrying cannot help (the event contradicts the state, fails validation...).
 * The event goes to the dead-letter topic at once instead of after the retry budget.
 */
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The event cannot even be read: missing CloudEvents headers, or a payload that does not decode. */
export class MalformedEventError extends PermanentEventError {}

// PostgreSQL SQLSTATE classes and codes that say "the database is unavailable or the transaction lost a
// race", not "this event is bad" (PostgreSQL docs, Appendix A): class 08 connection exceptions,
// 40001 serialization_failure, 40P01 deadlock_detected, 53xxx insufficient resources, 57P01-57P03 shutdown.
const TRANSIENT_SQLSTATE = /^(08...|40001|40P01|53...|57P0[123])$/;
const TRANSIENT_NODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when an error comes from the infrastructure rather than the event. Such errors never send an event
 * to the dead-letter topic: the batch is retried until the database answers again.
 */
export function isTransientInfrastructureError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const o = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    if (typeof o.code === 'string' && (TRANSIENT_SQLSTATE.test(o.code) || TRANSIENT_NODE.has(o.code)))
      return true;
    if (
      typeof o.message === 'string' &&
      /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
        o.message,
      )
    ) {
      return true;
    }
    e = o.driverError ?? o.cause;
  }
  return false;
}

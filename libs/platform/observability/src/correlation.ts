import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id: the caller's `x-correlation-id` when it is a sane token, else a new UUID.
 * It is echoed on the response and logged on every line of the request (pino-http `req.id`).
 */
export function correlationIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  const id = value && SAFE_ID.test(value) ? value : randomUUID();
  res.setHeader(CORRELATION_HEADER, id);
  return id;
}

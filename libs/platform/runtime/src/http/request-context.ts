import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CORRELATION_HEADER } from '@hosp/platform-observability';

/** What an application service needs to know about the request that caused a change. */
export interface RequestContext {
  /** pino-http's request id: the caller's x-correlation-id or a new UUID; copied onto outbox events. */
  correlationId: string;
  /** The W3C traceparent the caller sent, so events continue its trace. */
  traceparent?: string;
  /**
   * Who acts (a clinician or user id). Until authentication lands (docs/architecture.md, security issue)
   * it is the `x-actor-id` header; services record it, they do not trust it for authorisation.
   */
  actorId?: string;
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const req = context.switchToHttp().getRequest<IncomingMessage & { id?: string }>();
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    correlationId: String(req.id ?? header(CORRELATION_HEADER) ?? ''),
    traceparent: header('traceparent'),
    actorId: header('x-actor-id'),
  };
});

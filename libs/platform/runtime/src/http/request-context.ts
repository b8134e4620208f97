import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '@hosp/platform-auth';
import { CORRELATION_HEADER } from '@hosp/platform-observability';

/** What an application service needs to know about the request that caused a change. */
export interface RequestContext {
  /** pino-http's request id: the caller's x-correlation-id or a new UUID; copied onto outbox events. */
  correlationId: string;
  /** The W3C traceparent the caller sent, so events continue its trace. */
  traceparent?: string;
  /** Who acts: the subject of the verified bearer token (a user id, or a machine client's id). */
  actorId?: string;
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const req = context.switchToHttp().getRequest<AuthenticatedRequest & { id?: string }>();
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  return {
    correlationId: String(req.id ?? header(CORRELATION_HEADER) ?? ''),
    traceparent: header('traceparent'),
    actorId: req.principal?.sub,
  };
});

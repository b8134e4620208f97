import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { type Observable, tap } from 'rxjs';
import { AUDIT_ROUTE, type AuditRouteOptions } from './audit-route.decorator';
import { AuditTrail } from './audit-trail';
import { classifyHttp } from './http-audit';
import { type AuditedRequest, requestParty } from './request-party';

/** Probes, not data access: recording them would bury the trail (and they run every few seconds). */
const NOT_AUDITED = /^\/(health|metrics)(\/|$)/;

type RoutedRequest = AuditedRequest & {
  route?: { path?: unknown };
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
};

/**
 * Records every HTTP request that reaches a controller: who (the verified principal), from where, what
 * (method + route template), which entity and patient, and the outcome. It records when the response has
 * been sent (`finish`), so the status is the one the exception filter chose for a thrown error, and the
 * write happens after the response, never inside the handler's transaction.
 *
 * Requests a guard refuses never reach interceptors: AuthRefusalRecorder records the AuthGuard's refusals.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly trail: AuditTrail,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<RoutedRequest>();
    const res = context.switchToHttp().getResponse<ServerResponse>();
    const route = typeof req.route?.path === 'string' ? req.route.path : (req.url ?? '/').split('?')[0];
    if (NOT_AUDITED.test(route)) return next.handle();
    const handler = context.getHandler();
    const options = this.reflector.getAllAndOverride<AuditRouteOptions | undefined>(AUDIT_ROUTE, [
      handler,
      context.getClass(),
    ]);
    if (options?.skip) return next.handle();
    const declaredStatus = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, handler);

    let body: unknown;
    let errorCode: string | undefined;
    let done = false;
    const record = (aborted: boolean) => {
      if (done) return;
      done = true;
      const c = classifyHttp({
        method: req.method ?? 'GET',
        route,
        params: req.params ?? {},
        query: req.query ?? {},
        declaredStatus,
        body,
      });
      const status = res.statusCode;
      const failed = aborted || status >= 400;
      this.trail.record({
        ...requestParty(req),
        ...c,
        action: options?.action ?? c.action,
        eventType: options?.eventType ?? c.eventType,
        outcome: failed ? 'failure' : 'success',
        status,
        detail: aborted ? 'connection closed before the response was sent' : failed ? errorCode : undefined,
      });
    };
    res.once('finish', () => record(false));
    // A client that disconnects first gets no `finish`; `close` still says the request ended.
    res.once('close', () => record(!res.writableFinished));

    return next.handle().pipe(
      tap({
        next: (value) => (body = value),
        // Only a code, never the message: messages may name patients, the trail has its own fields for that.
        error: (err: unknown) => (errorCode = errorCodeOf(err)),
      }),
    );
  }
}

/** An ApiError's `code`, an HttpException's `{ code }` body, else the error's class name. */
function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; getResponse?: () => unknown; constructor?: { name?: string } };
  if (typeof e.code === 'string') return e.code;
  const body = typeof e.getResponse === 'function' ? e.getResponse() : undefined;
  const bodyCode = (body as { code?: unknown } | undefined)?.code;
  if (typeof bodyCode === 'string') return bodyCode;
  return e.constructor?.name;
}

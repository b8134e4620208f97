import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACCESS_POLICY, type AccessPolicy } from './access';
import type { Principal } from './roles';
import { RateWindow } from './rate-window';
import { TokenVerifier } from './token-verifier';

export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

/** Listeners told about every refused token (the audit trail records them as failed logins). */
export type AuthFailureListener = (req: IncomingMessage, code: string, reason: string) => void;

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Limits per client address and minute (security issue: "rate limits on login and public endpoints"):
 *   AUTH_MAX_FAILURES_PER_MINUTE (30)  refused tokens; past it the address's refused calls get 429
 *   PUBLIC_RATE_PER_MINUTE (1200)      calls of the open routes (health, metrics)
 */
const limit = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

function clientAddress(req: IncomingMessage): string {
  return (req.socket?.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/**
 * The platform's global guard: a bearer token (RFC 6750 §2.1) verified against the issuer, then the route's
 * access policy by role. 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3) when the token
 * is missing, malformed, expired, from another issuer or audience, or badly signed; 403 when the roles do not
 * allow the operation. Both in the platform's error shape.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly listeners: AuthFailureListener[] = [];
  private readonly denialListeners: AuthFailureListener[] = [];
  private readonly failures = new RateWindow(limit('AUTH_MAX_FAILURES_PER_MINUTE', 30));
  private readonly publicCalls = new RateWindow(limit('PUBLIC_RATE_PER_MINUTE', 1200));

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  onFailure(listener: AuthFailureListener): void {
    this.listeners.push(listener);
  }

  /** Listeners told about every authenticated call the access policy refused (403); `req.principal` is set. */
  onDenied(listener: AuthFailureListener): void {
    this.denialListeners.push(listener);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<ServerResponse>();
    const address = clientAddress(req);
    if (policy?.public) {
      if (this.publicCalls.hit(address)) this.tooMany(res, this.publicCalls, address, 'open routes');
      return true;
    }

    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(header);
    if (!match) {
      this.refuseIfFlooding(req, res, address);
      res.setHeader('WWW-Authenticate', 'Bearer realm="hosp"');
      this.fail(req, 'MISSING_TOKEN', 'a bearer token is required');
      throw new UnauthorizedException({
        error: 'Unauthorized',
        code: 'MISSING_TOKEN',
        message: 'a bearer token is required (Authorization: Bearer <token>)',
      });
    }
    const verified = await this.verifier.verify(match[1]!);
    if (!verified.ok) {
      this.refuseIfFlooding(req, res, address);
      res.setHeader(
        'WWW-Authenticate',
        `Bearer realm="hosp", error="invalid_token", error_description="${verified.reason.replaceAll('"', "'")}"`,
      );
      this.fail(req, verified.code, verified.reason);
      throw new UnauthorizedException({
        error: 'Unauthorized',
        code: verified.code,
        message: verified.reason,
      });
    }
    req.principal = verified.principal;
    if (!policy) {
      this.deny(req, 'NO_ACCESS_POLICY', 'no access policy declared');
      throw new ForbiddenException({
        error: 'Forbidden',
        code: 'NO_ACCESS_POLICY',
        message: 'this operation declares no access policy, so nobody may call it',
      });
    }
    const allowed = (READ_METHODS.has(req.method ?? '') ? policy.read : policy.write) ?? [];
    if (!verified.principal.roles.some((r) => allowed.includes(r))) {
      this.deny(req, 'ROLE_REQUIRED', `needs one of ${allowed.join(', ')}`);
      throw new ForbiddenException({
        error: 'Forbidden',
        code: 'ROLE_REQUIRED',
        message: `this operation needs one of the roles ${allowed.join(', ') || '(none)'}; the token has ${
          verified.principal.roles.join(', ') || 'none'
        }`,
      });
    }
    return true;
  }

  /**
   * A client past its limit of refused tokens gets 429 instead of 401 for the rest of the minute. Only refused
   * requests count and only they are turned away, so valid users behind the same address (a NAT) keep working.
   */
  private refuseIfFlooding(req: IncomingMessage, res: ServerResponse, address: string): void {
    if (this.failures.hit(address)) {
      this.fail(req, 'RATE_LIMITED', 'too many refused tokens from this address');
      this.tooMany(res, this.failures, address, 'refused authentications');
    }
  }

  private tooMany(res: ServerResponse, window: RateWindow, address: string, what: string): never {
    res.setHeader('Retry-After', String(window.retryAfter(address)));
    throw new HttpException(
      {
        error: 'Too Many Requests',
        code: 'RATE_LIMITED',
        message: `more than ${window.limit} ${what} a minute from this address; retry later`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  private fail(req: IncomingMessage, code: string, reason: string): void {
    for (const l of this.listeners) l(req, code, reason);
  }

  private deny(req: IncomingMessage, code: string, reason: string): void {
    for (const l of this.denialListeners) l(req, code, reason);
  }
}

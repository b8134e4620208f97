import type { IncomingMessage } from 'node:http';
import type { AuditRecordInput } from '../model/audit-record';

/**
 * The authenticated caller as the authentication guard leaves it on the request (`req.principal`). Kept
 * structural here: the audit trail reads it, it does not depend on how it was established.
 */
export interface AuditPrincipal {
  sub: string;
  roles?: readonly string[];
  department?: string;
  clientId?: string;
}

/** An Express request as far as the audit trail reads it. */
export type AuditedRequest = IncomingMessage & {
  /** pino-http's request id: the caller's x-correlation-id or a new UUID. */
  id?: unknown;
  /** Express's client address (honours the app's `trust proxy` setting). */
  ip?: string;
  principal?: AuditPrincipal;
};

/**
 * Who is asking and from where, for a record about this request: the verified principal's subject, roles and
 * client (set by the platform's AuthGuard), the client address and the correlation id. The `x-actor-id`
 * header is not read: since authentication (docs/adr/0011-authentication.md) it is ignored everywhere, and an
 * unverified claim has no place in evidence. Exported for callers of `AuditTrail.record` that hold a request:
 *
 *   trail.record({ ...requestParty(req), action: 'E', what: 'auth.token-refused', ... })
 */
export function requestParty(
  req: AuditedRequest,
): Pick<AuditRecordInput, 'actor' | 'actorRoles' | 'clientId' | 'sourceAddress' | 'correlationId'> {
  const p = req.principal;
  return {
    actor: p?.sub,
    actorRoles: p?.roles ?? [],
    clientId: p?.clientId,
    sourceAddress: req.ip ?? req.socket?.remoteAddress,
    correlationId: req.id !== undefined ? String(req.id) : header(req, 'x-correlation-id'),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

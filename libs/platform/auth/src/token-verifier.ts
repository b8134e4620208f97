import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import type { AuthConfig } from './auth-config';
import { isRole, type Principal, type Role } from './roles';

/** Asymmetric algorithms only: a shared-secret (HS*) token could be minted by anyone who can verify one. */
const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export type TokenFailure = { ok: false; code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED'; reason: string };
export type TokenResult = { ok: true; principal: Principal } | TokenFailure;

/**
 * Verifies bearer tokens (RFC 6750) as JWTs (RFC 7519) against the issuer's key set with `jose`: signature,
 * `iss`, `aud`, `exp`/`nbf` (30 s clock tolerance), asymmetric algorithms only.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly config: AuthConfig) {
    this.keys = config.jwksJson
      ? createLocalJWKSet(JSON.parse(config.jwksJson))
      : createRemoteJWKSet(new URL(config.jwksUrl!), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  }

  async verify(token: string): Promise<TokenResult> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALGORITHMS,
        clockTolerance: 30,
        requiredClaims: ['sub', 'exp'],
      });
      return { ok: true, principal: principalOf(payload, this.config.audience) };
    } catch (err) {
      if (err instanceof errors.JWTExpired)
        return { ok: false, code: 'TOKEN_EXPIRED', reason: 'the token has expired' };
      if (err instanceof errors.JWTClaimValidationFailed)
        return {
          ok: false,
          code: 'INVALID_TOKEN',
          reason: `claim ${err.claim} is not accepted: ${err.message}`,
        };
      if (err instanceof errors.JOSEError) return { ok: false, code: 'INVALID_TOKEN', reason: err.message };
      return { ok: false, code: 'INVALID_TOKEN', reason: 'the token cannot be verified' };
    }
  }
}

/** Roles from `roles`, or Keycloak's `realm_access.roles` / `resource_access.<audience>.roles`; unknown ones dropped. */
export function principalOf(p: JWTPayload, audience: string): Principal {
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const realm = (p['realm_access'] as { roles?: unknown } | undefined)?.roles;
  const client = (p['resource_access'] as Record<string, { roles?: unknown }> | undefined)?.[audience]?.roles;
  const roles = [...new Set([...list(p['roles']), ...list(realm), ...list(client)])].filter(isRole) as Role[];
  const scope = typeof p['scope'] === 'string' ? p['scope'].split(' ').filter(Boolean) : [];
  return {
    sub: p.sub!,
    roles,
    department: typeof p['department'] === 'string' ? p['department'] : undefined,
    clientId:
      typeof p['azp'] === 'string'
        ? p['azp']
        : typeof p['client_id'] === 'string'
          ? p['client_id']
          : undefined,
    scopes: scope,
  };
}

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, importJWK, type JWK, type KeyLike, SignJWT } from 'jose';
import type { Role } from './roles';

export interface MintOptions {
  readonly sub: string;
  readonly roles: readonly Role[];
  readonly department?: string;
  readonly scope?: string;
  readonly clientId?: string;
  /** Lifetime in seconds (default 900). Negative gives an already expired token, for tests. */
  readonly ttlSeconds?: number;
  /** Override the issuer or audience, for tests of refusal. */
  readonly issuer?: string;
  readonly audience?: string;
}

/**
 * A small OIDC-style token issuer for a fresh install, development and tests: one RS256 key (kept in a file
 * when one is named, so restarts keep tokens valid), its JWKS, and signed access tokens. It is not an identity
 * provider: a hospital points the services at its own (Keycloak or similar) with AUTH_ISSUER / AUTH_JWKS_URL.
 */
export class DevIssuer {
  private constructor(
    readonly issuer: string,
    readonly audience: string,
    private readonly kid: string,
    private readonly privateKey: KeyLike | Uint8Array,
    private readonly publicJwk: JWK,
  ) {}

  static async create(options: { issuer: string; audience: string; keyFile?: string }): Promise<DevIssuer> {
    let jwk: JWK;
    if (options.keyFile && existsSync(options.keyFile))
      jwk = JSON.parse(readFileSync(options.keyFile, 'utf8'));
    else {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
      if (options.keyFile) {
        mkdirSync(dirname(options.keyFile), { recursive: true });
        writeFileSync(options.keyFile, JSON.stringify(jwk), { mode: 0o600 });
      }
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    return new DevIssuer(
      options.issuer,
      options.audience,
      jwk.kid!,
      await importJWK(jwk, 'RS256'),
      publicJwk,
    );
  }

  /** The public key set, as AUTH_JWKS_JSON or served at /jwks.json. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  mint(o: MintOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = o.ttlSeconds ?? 900;
    return new SignJWT({
      roles: [...o.roles],
      ...(o.department ? { department: o.department } : {}),
      ...(o.scope ? { scope: o.scope } : {}),
      ...(o.clientId ? { azp: o.clientId } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(o.issuer ?? this.issuer)
      .setAudience(o.audience ?? this.audience)
      .setSubject(o.sub)
      .setJti(randomUUID())
      .setIssuedAt(ttl < 0 ? now + ttl - 60 : now)
      .setExpirationTime(now + ttl)
      .sign(this.privateKey);
  }
}

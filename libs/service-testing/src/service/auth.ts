import { DevIssuer, ROLES, type Role } from '@hosp/platform-auth';

/**
 * One token issuer per test process (the platform's development issuer, in process): services booted by
 * bootService trust it (AUTH_JWKS_JSON), and jsonApi signs a token for each acting user with it.
 */
let issuer: Promise<DevIssuer> | undefined;

export const TEST_ISSUER = 'https://issuer.test/realms/hosp';
export const TEST_AUDIENCE = 'hosp-platform';

export function testIssuer(): Promise<DevIssuer> {
  issuer ??= DevIssuer.create({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  return issuer;
}

/** The environment a service needs to trust the test issuer. */
export async function testAuthEnv(): Promise<Record<string, string>> {
  return {
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    AUTH_JWKS_JSON: JSON.stringify((await testIssuer()).jwks()),
  };
}

const cache = new Map<string, { token: string; until: number }>();

/**
 * A bearer token for `sub` with `roles` (default: every role, so a test exercises behaviour rather than
 * access; the access tests pass the roles they mean).
 */
export async function tokenFor(
  sub: string,
  roles: readonly Role[] = ROLES,
  department?: string,
): Promise<string> {
  const key = `${sub}|${roles.join(',')}|${department ?? ''}`;
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.token;
  const token = await (await testIssuer()).mint({ sub, roles, department, ttlSeconds: 900 });
  cache.set(key, { token, until: Date.now() + 600_000 });
  return token;
}

/** `{ authorization: 'Bearer …' }` for a raw fetch. */
export async function authHeader(
  sub = 'test-user',
  roles?: readonly Role[],
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(sub, roles)}` };
}

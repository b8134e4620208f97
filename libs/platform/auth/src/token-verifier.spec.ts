import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { DevIssuer } from './dev-issuer';
import { principalOf, TokenVerifier } from './token-verifier';

const ISSUER = 'https://sso.test/realms/hosp';
const AUDIENCE = 'hosp-platform';

describe('TokenVerifier', () => {
  let issuer: DevIssuer;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    issuer = await DevIssuer.create({ issuer: ISSUER, audience: AUDIENCE });
    verifier = new TokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUrl: null,
      jwksJson: JSON.stringify(issuer.jwks()),
    });
  });

  it('accepts a token of the issuer for the audience and reads the principal', async () => {
    const r = await verifier.verify(
      await issuer.mint({ sub: 'bs-tran', roles: ['physician'], department: 'K01' }),
    );
    expect(r).toEqual({
      ok: true,
      principal: { sub: 'bs-tran', roles: ['physician'], department: 'K01', clientId: undefined, scopes: [] },
    });
  });

  it.each([
    ['another issuer', { issuer: 'https://evil.test' }, 'INVALID_TOKEN', /iss/],
    ['another audience', { audience: 'other-app' }, 'INVALID_TOKEN', /aud/],
    ['an expired token', { ttlSeconds: -120 }, 'TOKEN_EXPIRED', /expired/],
  ])('refuses %s', async (_what, over, code, reason) => {
    const r = await verifier.verify(await issuer.mint({ sub: 'x', roles: ['nurse'], ...over }));
    expect(r).toMatchObject({ ok: false, code, reason: expect.stringMatching(reason) });
  });

  it('refuses a token signed by another key under the same key id', async () => {
    const kid = issuer.jwks().keys[0]!.kid!;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verifier.verify(forged)).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('refuses a shared-secret (HS256) token and garbage', async () => {
    const hs = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    expect(await verifier.verify(hs)).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
    expect(await verifier.verify('not.a.token')).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
  });

  it('reads roles where Keycloak puts them and drops unknown ones', async () => {
    const p = principalOf(
      {
        sub: 'u1',
        realm_access: { roles: ['nurse', 'offline_access'] },
        resource_access: { [AUDIENCE]: { roles: ['auditor'] }, other: { roles: ['physician'] } },
        scope: 'openid user/Patient.read',
        azp: 'emr-web',
      },
      AUDIENCE,
    );
    expect(p).toEqual({
      sub: 'u1',
      roles: ['nurse', 'auditor'],
      department: undefined,
      clientId: 'emr-web',
      scopes: ['openid', 'user/Patient.read'],
    });
  });

  it('exports a public key set without private parts', () => {
    const jwk = issuer.jwks().keys[0]!;
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(Object.keys(jwk).filter((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k))).toEqual([]);
  });
});

import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Access, Public, Roles } from './access';
import { AuthGuard } from './auth.guard';
import { DevIssuer } from './dev-issuer';
import { TokenVerifier } from './token-verifier';

class Undeclared {
  handle(): void {
    // a route handler stand-in
  }
}
@Access({ read: ['nurse', 'physician'], write: ['physician'] })
class Declared {
  handle(): void {
    // a route handler stand-in
  }
  @Roles('radiologist')
  sign(): void {
    // a route handler stand-in
  }
  @Public()
  open(): void {
    // a route handler stand-in
  }
}

describe('AuthGuard', () => {
  let issuer: DevIssuer;
  let guard: AuthGuard;
  const refused: string[] = [];

  beforeAll(async () => {
    issuer = await DevIssuer.create({ issuer: 'https://i.test', audience: 'aud' });
    guard = new AuthGuard(
      new Reflector(),
      new TokenVerifier({
        issuer: 'https://i.test',
        audience: 'aud',
        jwksUrl: null,
        jwksJson: JSON.stringify(issuer.jwks()),
      }),
    );
    guard.onFailure((_req, code) => refused.push(code));
  });

  function context(cls: object, handler: () => void, method: string, authorization?: string) {
    const headers: Record<string, string> = {};
    const req = { method, headers: authorization ? { authorization } : {} } as unknown as {
      principal?: unknown;
    };
    const res = { setHeader: (k: string, v: string) => (headers[k] = v) };
    const ctx = {
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => cls,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as unknown as ExecutionContext;
    return { ctx, req, headers };
  }
  const bearer = async (...roles: Parameters<DevIssuer['mint']>[0]['roles']) =>
    `Bearer ${await issuer.mint({ sub: 'u1', roles })}`;
  const status = (p: Promise<boolean>) =>
    p.then(
      () => 200,
      (e: { getStatus(): number; getResponse(): { code: string } }) =>
        `${e.getStatus()} ${e.getResponse().code}`,
    );

  it('refuses a missing token with 401 and a challenge, and tells the listeners', async () => {
    const { ctx, headers } = context(Declared, Declared.prototype.handle, 'GET');
    expect(await status(guard.canActivate(ctx))).toBe('401 MISSING_TOKEN');
    expect(headers['WWW-Authenticate']).toBe('Bearer realm="hosp"');
    expect(refused).toContain('MISSING_TOKEN');
  });

  it('applies read and write roles by HTTP method, and a handler policy over its class', async () => {
    const nurse = await bearer('nurse');
    expect(
      await status(guard.canActivate(context(Declared, Declared.prototype.handle, 'GET', nurse).ctx)),
    ).toBe(200);
    expect(
      await status(guard.canActivate(context(Declared, Declared.prototype.handle, 'POST', nurse).ctx)),
    ).toBe('403 ROLE_REQUIRED');
    expect(
      await status(
        guard.canActivate(context(Declared, Declared.prototype.sign, 'POST', await bearer('physician')).ctx),
      ),
    ).toBe('403 ROLE_REQUIRED');
    const { ctx, req } = context(Declared, Declared.prototype.sign, 'POST', await bearer('radiologist'));
    expect(await status(guard.canActivate(ctx))).toBe(200);
    expect(req.principal).toMatchObject({ sub: 'u1', roles: ['radiologist'] });
  });

  it('lets public routes through without a token and refuses undeclared routes even with one', async () => {
    expect(await status(guard.canActivate(context(Declared, Declared.prototype.open, 'GET').ctx))).toBe(200);
    const all = await bearer('physician', 'nurse', 'auditor');
    expect(
      await status(guard.canActivate(context(Undeclared, Undeclared.prototype.handle, 'GET', all).ctx)),
    ).toBe('403 NO_ACCESS_POLICY');
  });
});

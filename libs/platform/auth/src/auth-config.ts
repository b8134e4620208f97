/**
 * Where tokens come from (environment):
 *   AUTH_ISSUER     the issuer (`iss`) tokens must carry, e.g. https://sso.benhvien.vn/realms/hospital
 *   AUTH_AUDIENCE   the audience (`aud`) tokens must carry, e.g. hosp-platform
 *   AUTH_JWKS_URL   the issuer's JWKS (default: <AUTH_ISSUER>/protocol/openid-connect/certs is NOT guessed;
 *                   set it, or AUTH_JWKS_JSON with the key set inline, for an offline verifier)
 * There is no "off" switch: a service without an issuer refuses to start. For a fresh install the platform ships
 * a development issuer (`npm run dev-issuer`, started by `npm run platform`).
 */
export interface AuthConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string | null;
  readonly jwksJson: string | null;
}

export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const issuer = env['AUTH_ISSUER'];
  const audience = env['AUTH_AUDIENCE'];
  const jwksUrl = env['AUTH_JWKS_URL'] || null;
  const jwksJson = env['AUTH_JWKS_JSON'] || null;
  const missing = [
    !issuer && 'AUTH_ISSUER',
    !audience && 'AUTH_AUDIENCE',
    !jwksUrl && !jwksJson && 'AUTH_JWKS_URL (or AUTH_JWKS_JSON)',
  ].filter(Boolean);
  if (missing.length)
    throw new Error(
      `authentication is not configured: set ${missing.join(', ')} (the hospital's OIDC issuer, or the ` +
        'development issuer: npm run dev-issuer)',
    );
  return { issuer: issuer!, audience: audience!, jwksUrl, jwksJson };
}

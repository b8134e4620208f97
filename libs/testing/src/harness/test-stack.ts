import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readStackState } from '../stack/stack';

export interface TestStack {
  /** Kafka bootstrap servers. */
  brokers: string[];
  /** PostgreSQL server URL without a database. */
  databaseServerUrl: string;
  source: 'env' | 'local-stack' | 'testcontainers';
}

let containers: Promise<TestStack> | undefined;

/**
 * How integration tests reach the real stack, in order:
 * 1. KAFKA_BROKERS and DATABASE_SERVER_URL from the environment (CI, a developer's own servers);
 * 2. the local stack started by `npm run stack -- up` (.stack/stack.json);
 * 3. Testcontainers, only where a Docker engine answers.
 * Tests never mock the broker or the database.
 */
export async function testStack(): Promise<TestStack> {
  const envBrokers = process.env['KAFKA_BROKERS'];
  const envDb = process.env['DATABASE_SERVER_URL'];
  if (envBrokers && envDb) return { brokers: envBrokers.split(','), databaseServerUrl: envDb, source: 'env' };
  const state = readStackState();
  if (state)
    return {
      brokers: state.kafka.brokers,
      databaseServerUrl: state.postgres.serverUrl,
      source: 'local-stack',
    };
  if (dockerEngineAnswers()) return (containers ??= startContainers());
  throw new Error(
    'No stack to test against: run `npm run stack -- up` (or set KAFKA_BROKERS and DATABASE_SERVER_URL).',
  );
}

export function dockerEngineAnswers(): boolean {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  return r.status === 0 && r.stdout.trim().length > 0;
}

/** Testcontainers' official Kafka (KRaft) and PostgreSQL modules; they live as long as the test process. */
async function startContainers(): Promise<TestStack> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const [kafka, pg] = await Promise.all([
    new KafkaContainer('apache/kafka:4.1.1').withKraft().start(),
    new PostgreSqlContainer('postgres:17').withUsername('postgres').withPassword('postgres').start(),
  ]);
  return {
    brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    databaseServerUrl: `postgres://postgres:postgres@${pg.getHost()}:${pg.getPort()}`,
    source: 'testcontainers',
  };
}

/** A short random token for per-test topic prefixes, group ids and database names. */
export function uniqueId(): string {
  return randomBytes(5).toString('hex');
}

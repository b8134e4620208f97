/**
 * The platform's local infrastructure, as real processes (no Docker engine needed):
 *   npm run stack -- up [--cluster]   PostgreSQL (the machine's server, else embedded) + Apache Kafka 4.x KRaft
 *                                     (one broker, or three with replication factor 3 / min.insync.replicas 2)
 *   npm run stack -- down             stops what `up` started (the machine's own PostgreSQL is left running)
 *   npm run stack -- status           prints how to reach it
 *   npm run stack -- env              prints shell exports (eval "$(npm run -s stack -- env)")
 * Idempotent: `up` twice leaves the running stack alone.
 */
import { PlatformServices } from '@hosp/contracts';
import { databaseNameFor } from '@hosp/platform-persistence';
import { kafkaClusterFor, readStackState, stackDown, stackUp } from '@hosp/testing';

async function main(): Promise<void> {
  const [cmd = 'status', ...args] = process.argv.slice(2);
  switch (cmd) {
    case 'up': {
      const mode = args.includes('--cluster') ? 'cluster' : 'single';
      const state = await stackUp(mode, PlatformServices.map(databaseNameFor));
      print(state);
      return;
    }
    case 'down':
      await stackDown();
      console.log('stack stopped');
      return;
    case 'status': {
      const state = readStackState();
      if (!state) {
        console.log('no stack: run `npm run stack -- up`');
        process.exitCode = 1;
        return;
      }
      const running = kafkaClusterFor(state.kafka.mode).isRunning();
      print(state);
      console.log(`kafka processes running: ${running}`);
      if (!running) process.exitCode = 1;
      return;
    }
    case 'env': {
      const state = readStackState();
      if (!state) throw new Error('no stack: run `npm run stack -- up`');
      console.log(`export KAFKA_BROKERS=${state.kafka.brokers.join(',')}`);
      console.log(`export DATABASE_SERVER_URL=${state.postgres.serverUrl}`);
      return;
    }
    default:
      throw new Error(`unknown command ${cmd}: use up [--cluster] | down | status | env`);
  }
}

function print(state: NonNullable<ReturnType<typeof readStackState>>): void {
  console.log(`Kafka (${state.kafka.mode}): ${state.kafka.brokers.join(',')}   logs: ${state.kafka.dir}`);
  console.log(`PostgreSQL (${state.postgres.mode}): ${state.postgres.serverUrl}   databases: hosp_<service>`);
  console.log(
    `export KAFKA_BROKERS=${state.kafka.brokers.join(',')} DATABASE_SERVER_URL=${state.postgres.serverUrl}`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

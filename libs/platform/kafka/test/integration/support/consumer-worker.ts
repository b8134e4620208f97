/**
 * A consumer process for the crash test: applies his.patient.v1 events through an InboxConsumer until it
 * is killed. Run with tsx; configured by environment (see the test).
 */
import { Topics } from '@hosp/contracts';
import { createKafka } from '../../../src/kafka-settings';
import { InboxConsumer } from '../../../src/consumer/inbox-consumer';
import { effectHandler, openBackboneDataSource } from './backbone-fixture';

async function main(): Promise<void> {
  const env = process.env;
  const ds = await openBackboneDataSource(env['DATABASE_URL']!);
  const kafka = createKafka({
    brokers: env['KAFKA_BROKERS']!.split(','),
    service: 'crash-test',
    topicPrefix: env['KAFKA_TOPIC_PREFIX']!,
    facility: '',
  });
  const consumer = new InboxConsumer({
    kafka,
    dataSource: ds,
    groupId: env['GROUP_ID']!,
    topics: [Topics.HisPatient],
    topicPrefix: env['KAFKA_TOPIC_PREFIX'],
    handlers: [effectHandler({ delayMs: Number(env['DELAY_MS'] ?? 0) })],
    maxEventsPerTransaction: Number(env['CHUNK'] ?? 50),
  });
  await consumer.start();
  process.stdout.write('consuming\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

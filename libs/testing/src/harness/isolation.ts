import { dropDatabase, ensureDatabase, withDatabase } from '@hosp/platform-persistence';
import { Kafka, logLevel } from 'kafkajs';
import { type TestStack, testStack, uniqueId } from './test-stack';

/** The shape of the backbone's KafkaSettings (kept structural: the harness does not depend on the backbone). */
export interface TestKafkaSettings {
  brokers: string[];
  service: string;
  topicPrefix: string;
  facility: string;
}

export interface IsolatedContext {
  stack: TestStack;
  /** A fresh database of this test's own, on the real server. */
  databaseUrl: string;
  /** Prefix for every topic and consumer group of this test: `t<id>.` */
  topicPrefix: string;
  kafkaSettings(service?: string): TestKafkaSettings;
  kafka(service?: string): Kafka;
  cleanup(): Promise<void>;
}

/**
 * A test's own slice of the real stack: a new database (dropped afterwards) and a topic prefix that no other
 * test uses, so tests can run in parallel on one broker and one server without seeing each other.
 */
export async function isolatedContext(
  brokers?: string[],
  /** Share another context's topics (services of one end-to-end test talk to each other). */
  sharedTopicPrefix?: string,
): Promise<IsolatedContext> {
  const stack = await testStack();
  const id = uniqueId();
  const databaseUrl = withDatabase(stack.databaseServerUrl, `hosp_test_${id}`);
  await ensureDatabase(databaseUrl);
  const topicPrefix = sharedTopicPrefix ?? `t${id}.`;
  const settings = (service = 'test'): TestKafkaSettings => ({
    brokers: brokers ?? stack.brokers,
    service,
    topicPrefix,
    facility: '79001',
  });
  return {
    stack,
    databaseUrl,
    topicPrefix,
    kafkaSettings: settings,
    kafka: (service = 'test') =>
      new Kafka({
        clientId: service,
        brokers: brokers ?? stack.brokers,
        logLevel: logLevel.WARN,
        retry: { retries: 3, initialRetryTime: 200 },
      }),
    cleanup: () => dropDatabase(databaseUrl),
  };
}

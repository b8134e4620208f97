import { deadLetterTopicName, type TopicDefinition } from '@hosp/contracts';
import type { Kafka } from 'kafkajs';
import { TopicNamer } from './kafka-settings';

/**
 * Creates catalogue topics that do not exist yet, with the catalogue's partition count and retention.
 * The replication factor follows the cluster: min(3, brokers), with min.insync.replicas 2 from 3 brokers up,
 * so acks=all survives the loss of one broker without accepting writes held by a single copy.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicDefinition[],
  prefix = '',
): Promise<string[]> {
  const namer = new TopicNamer(prefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const replicationFactor = Math.min(3, brokers);
    const missing = topics.filter((t) => !existing.has(namer.name(t)));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: namer.name(t),
          numPartitions: t.partitions,
          replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(t.retentionDays * 24 * 3600 * 1000) },
            { name: 'min.insync.replicas', value: String(replicationFactor >= 3 ? 2 : 1) },
          ],
        })),
      });
    }
    return missing.map((t) => namer.name(t));
  } finally {
    await admin.disconnect();
  }
}

/** Dead letters wait for someone to fix and replay them: kept longer than events and than inbox rows. */
export const DEAD_LETTER_RETENTION_DAYS = 90;

/** Creates a consumer group's dead-letter topics (one partition each: they are small and read in order). */
export async function ensureDeadLetterTopics(
  kafka: Kafka,
  topics: readonly TopicDefinition[],
  groupId: string,
  prefix = '',
): Promise<void> {
  const namer = new TopicNamer(prefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const brokers = (await admin.describeCluster()).brokers.length;
    const replicationFactor = Math.min(3, brokers);
    const missing = topics
      .map((t) => namer.name(deadLetterTopicName(t.name, groupId)))
      .filter((n) => !existing.has(n));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: 1,
          replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(DEAD_LETTER_RETENTION_DAYS * 24 * 3600 * 1000) },
            { name: 'min.insync.replicas', value: String(replicationFactor >= 3 ? 2 : 1) },
          ],
        })),
      })
      .catch((err: { type?: string }) => {
        // Another replica of the service created it first.
        if (err.type !== 'TOPIC_ALREADY_EXISTS') throw err;
      });
  } finally {
    await admin.disconnect();
  }
}

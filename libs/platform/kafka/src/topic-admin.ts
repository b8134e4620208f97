import { deadLetterTopicName, type TopicDefinition } from '@hosp/contracts';
import type { Kafka } from 'kafkajs';
import { TopicNamer } from './kafka-settings';

/** Dead letters wait for someone to fix and replay them: kept longer than events and than inbox rows. */
export const DEAD_LETTER_RETENTION_DAYS = 90;

interface TopicSpec {
  name: string;
  partitions: number;
  retentionDays: number;
}

/**
 * Creates the topics that do not exist yet. The replication factor follows the cluster: min(3, brokers),
 * with min.insync.replicas 2 from 3 brokers up, so acks=all survives the loss of one broker without
 * accepting writes held by a single copy. Returns the names it created.
 */
async function createMissingTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length === 0) return [];
    const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length);
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(s.retentionDays * 24 * 3600 * 1000) },
            { name: 'min.insync.replicas', value: String(replicationFactor >= 3 ? 2 : 1) },
          ],
        })),
      })
      .catch((err: { type?: string }) => {
        // Another replica of the service created one of them first.
        if (err.type !== 'TOPIC_ALREADY_EXISTS') throw err;
      });
    return missing.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}

/** Creates catalogue topics that do not exist yet, with the catalogue's partition count and retention. */
export function ensureTopics(
  kafka: Kafka,
  topics: readonly TopicDefinition[],
  prefix = '',
): Promise<string[]> {
  const namer = new TopicNamer(prefix);
  return createMissingTopics(
    kafka,
    topics.map((t) => ({ name: namer.name(t), partitions: t.partitions, retentionDays: t.retentionDays })),
  );
}

/** Creates a consumer group's dead-letter topics (one partition each: they are small and read in order). */
export function ensureDeadLetterTopics(
  kafka: Kafka,
  topics: readonly TopicDefinition[],
  groupId: string,
  prefix = '',
): Promise<string[]> {
  const namer = new TopicNamer(prefix);
  return createMissingTopics(
    kafka,
    topics.map((t) => ({
      name: namer.name(deadLetterTopicName(t.name, groupId)),
      partitions: 1,
      retentionDays: DEAD_LETTER_RETENTION_DAYS,
    })),
  );
}

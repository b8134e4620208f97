/**
 * Replays a consumer group's dead letters onto their original topic (docs/adr/0004):
 *   npm run dlq:replay -- --topic lab.result.v1 --group his.lab-results
 * Reads KAFKA_BROKERS and KAFKA_TOPIC_PREFIX like the services do.
 */
import { AllTopics } from '@hosp/contracts';
import { createKafka, kafkaSettingsFromEnv, replayDeadLetters } from '@hosp/platform-kafka';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const topic = arg('topic');
  const groupId = arg('group');
  if (!topic || !groupId)
    throw new Error('usage: npm run dlq:replay -- --topic <catalogue topic> --group <consumer group>');
  if (!AllTopics.some((t) => t.name === topic)) {
    throw new Error(`${topic} is not in the topic catalogue: ${AllTopics.map((t) => t.name).join(', ')}`);
  }
  const settings = kafkaSettingsFromEnv('dlq-replay');
  const { replayed } = await replayDeadLetters({
    kafka: createKafka(settings),
    topic,
    groupId,
    topicPrefix: settings.topicPrefix,
  });
  console.log(`replayed ${replayed} dead letter(s) of ${groupId} onto ${topic}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

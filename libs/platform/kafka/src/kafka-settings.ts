import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import pino from 'pino';

export interface KafkaSettings {
  brokers: string[];
  /** This service's name: client id, CloudEvents source (`urn:hosp:<service>`) and default group prefix. */
  service: string;
  /** Prepended to every topic name: lets one cluster serve several hospitals or test runs in isolation. */
  topicPrefix: string;
  /** The facility (KCB) code of the hospital, carried on every event as `ce_facility`. */
  facility: string;
}

export function kafkaSettingsFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  return {
    brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    service,
    topicPrefix: env['KAFKA_TOPIC_PREFIX'] ?? '',
    facility: env['FACILITY_CODE'] ?? '',
  };
}

const kafkaLog = pino({ name: 'kafkajs', level: process.env['KAFKAJS_LOG_LEVEL'] ?? 'warn' });

/** kafkajs logs through pino, so broker messages are JSON lines like the rest of the service. */
function pinoLogCreator() {
  return ({ level, log }: { level: logLevel; log: { message: string; [k: string]: unknown } }) => {
    const { message, ...extra } = log;
    if (level === logLevel.ERROR) kafkaLog.error(extra, message);
    else if (level === logLevel.WARN) kafkaLog.warn(extra, message);
    else if (level === logLevel.INFO) kafkaLog.info(extra, message);
    else kafkaLog.debug(extra, message);
  };
}

export function createKafka(settings: KafkaSettings, extra: Partial<KafkaConfig> = {}): Kafka {
  // The v2 default partitioner is Java-compatible murmur2, so a key lands on the same partition whichever
  // client produced it; the warning about the v1 change is noise here.
  process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';
  return new Kafka({
    clientId: settings.service,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 10_000 },
    connectionTimeout: 3_000,
    ...extra,
  });
}

/** Physical topic names, with the deployment prefix applied. */
export class TopicNamer {
  constructor(private readonly prefix: string) {}

  name(topic: { name: string } | string): string {
    return this.prefix + (typeof topic === 'string' ? topic : topic.name);
  }

  /** Strips the prefix (for DLQ headers and replay, which record logical names). */
  logical(physical: string): string {
    return this.prefix && physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
  }
}

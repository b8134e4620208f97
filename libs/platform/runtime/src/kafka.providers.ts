import { backgroundLogger } from '@hosp/platform-observability';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import {
  createKafka,
  ensureTopics,
  KafkaProbe,
  type KafkaSettings,
  kafkaSettingsFromEnv,
  OutboxRelay,
  OutboxWriter,
  registerBackboneMetrics,
} from '@hosp/platform-kafka';
import { databaseUrlFromEnv } from '@hosp/platform-persistence';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SERVICE_DEFINITION, type ServiceDefinition } from './service-definition';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');

/**
 * Runs the service's outbox relay for the life of the application and creates its topics. Neither blocks
 * startup: a service whose Kafka is down still starts, reports not-ready, keeps writing to its outbox, and
 * publishes once Kafka answers.
 */
@Injectable()
export class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('OutboxRelay');
  private relay?: OutboxRelay;
  private topicsReady = false;
  private stopping = false;
  private creating?: Promise<void>;

  constructor(
    @Inject(SERVICE_DEFINITION) private readonly def: ServiceDefinition,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    registerBackboneMetrics();
    this.creating = this.createTopicsUntilDone();
    this.relay = new OutboxRelay({
      dataSource: this.dataSource,
      databaseUrl: databaseUrlFromEnv(this.def.service),
      kafka: this.kafka,
      topicPrefix: this.settings.topicPrefix,
      logger: backgroundLogger(this.def.service, 'outbox-relay'),
    });
    this.relay.start();
  }

  // Before the application's shutdown hooks, where TypeORM closes its pool: a publish in flight finishes its
  // DELETE first.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.relay?.stop();
    // A topic creation in flight ends quickly (fail-fast client); wait for it rather than let it run on
    // against a closed application.
    await settleWithin(this.creating, 5_000);
    this.log.log('outbox relay stopped');
  }

  get ready(): boolean {
    return this.topicsReady;
  }

  private async createTopicsUntilDone(): Promise<void> {
    let delay = 500;
    while (!this.stopping && !this.topicsReady) {
      try {
        // A fail-fast client: this loop does its own backoff and must notice a shutdown between tries, which
        // the shared client's long internal retries would delay by tens of seconds.
        const adminKafka = createKafka(this.settings, { retry: { retries: 0 } });
        const created = await ensureTopics(adminKafka, this.def.produces, this.settings.topicPrefix);
        if (created.length) this.log.log(`created topics ${created.join(', ')}`);
        this.topicsReady = true;
      } catch (err) {
        this.log.warn(`topics not created yet (${(err as Error).message}); retrying in ${delay} ms`);
        // unref: a pending retry must not keep a stopping process alive.
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }
}

@Injectable()
export class KafkaProbeLifecycle extends KafkaProbe implements OnApplicationShutdown {
  constructor(@Inject(KAFKA) kafka: Kafka) {
    super(kafka);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

export function kafkaProviders(): Provider[] {
  return [
    {
      provide: KAFKA_SETTINGS,
      inject: [SERVICE_DEFINITION],
      useFactory: (def: ServiceDefinition) => kafkaSettingsFromEnv(def.service),
    },
    { provide: KAFKA, inject: [KAFKA_SETTINGS], useFactory: (s: KafkaSettings) => createKafka(s) },
    {
      provide: OutboxWriter,
      inject: [KAFKA_SETTINGS],
      useFactory: (s: KafkaSettings) => new OutboxWriter(s),
    },
    OutboxRelayLifecycle,
    KafkaProbeLifecycle,
  ];
}

/** Waits for a background task to settle, at most `ms`: shutdown must not hang on it. */
export async function settleWithin(task: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!task) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    task.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

import { backgroundLogger } from '@hosp/platform-observability';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  SetMetadata,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { DescMessage } from '@bufbuild/protobuf';
import type { TopicDefinition } from '@hosp/contracts';
import { type EventHandler, InboxConsumer, type KafkaSettings, type RetryPolicy } from '@hosp/platform-kafka';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA, KAFKA_SETTINGS, settleWithin } from './kafka.providers';

export interface EventConsumerOptions {
  /** Logical consumer group, `<service>.<purpose>`, e.g. `his.lab-results`. Its DLQ is `<topic>.dlq.<group>`. */
  groupId: string;
  topics: readonly TopicDefinition[];
  retry?: Partial<RetryPolicy>;
  partitionsConsumedConcurrently?: number;
}

const CONSUMER = 'hosp:event-consumer';
const ON_EVENT = 'hosp:on-event';

/**
 * Marks a provider as a Kafka consumer group of this service. Its `@OnEvent(Schema)` methods receive each
 * event of that type with the transaction that also records it in the inbox (docs/adr/0004):
 *
 *   @EventConsumer({ groupId: 'his.lab-results', topics: [Topics.LabResult] })
 *   export class LabResultsConsumer {
 *     @OnEvent(ResultFinalizedSchema)
 *     onResult(event: ConsumedEvent<typeof ResultFinalizedSchema>, manager: EntityManager) { ... }
 *   }
 */
export const EventConsumer = (options: EventConsumerOptions): ClassDecorator =>
  SetMetadata(CONSUMER, options);

export const OnEvent = (schema: DescMessage): MethodDecorator => SetMetadata(ON_EVENT, schema.typeName);

/**
 * Finds every `@EventConsumer` provider of the application, runs one InboxConsumer per group for the life of
 * the application and stops them on shutdown. Like the relay, consumers that cannot reach Kafka at startup
 * keep trying in the background instead of failing the boot.
 */
@Injectable()
export class EventConsumersLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('EventConsumers');
  private readonly running: InboxConsumer[] = [];
  private readonly starting: Array<Promise<void>> = [];
  private stopping = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const options = this.reflector.get<EventConsumerOptions | undefined>(CONSUMER, metatype);
      if (!options) continue;
      const handlers: Array<[string, EventHandler]> = [];
      const proto = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const typeName = this.reflector.get<string | undefined>(ON_EVENT, proto[method]);
        if (typeName) handlers.push([typeName, (event, manager) => instance[method](event, manager)]);
      }
      const consumer = new InboxConsumer({
        kafka: this.kafka,
        dataSource: this.dataSource,
        groupId: options.groupId,
        topics: options.topics,
        topicPrefix: this.settings.topicPrefix,
        handlers,
        retry: options.retry,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
        logger: backgroundLogger(this.settings.service, 'inbox-consumer').child({ group: options.groupId }),
      });
      this.running.push(consumer);
      this.starting.push(this.startUntilDone(consumer));
    }
  }

  // Before the application's shutdown hooks: TypeORM closes its pool in its own, and a chunk must finish
  // (or roll back) while the pool is still there.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.map((c) => c.stop()));
    // A start in flight when the stop came finishes (and stops its consumer again, below) before the
    // application is gone; bounded, so a start stuck on an unreachable broker cannot hold the shutdown.
    await settleWithin(Promise.all(this.starting), 10_000);
  }

  private async startUntilDone(consumer: InboxConsumer): Promise<void> {
    let delay = 500;
    while (!this.stopping) {
      try {
        await consumer.start();
        if (this.stopping) {
          await consumer.stop();
          return;
        }
        this.log.log(`consumer group ${consumer.groupId} running`);
        return;
      } catch (err) {
        await consumer.stop();
        this.log.warn(
          `consumer group ${consumer.groupId} not started (${(err as Error).message}); retrying in ${delay} ms`,
        );
        // unref: a pending retry must not keep a stopping process alive.
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }
}

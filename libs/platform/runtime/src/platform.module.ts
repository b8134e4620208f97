import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformMessaging1763700000000 } from '@hosp/platform-kafka';
import { AuditModule, PlatformAudit1763700000010 } from '@hosp/platform-audit';
import { loggerParams, MetricsController } from '@hosp/platform-observability';
import {
  databaseUrlFromEnv,
  openServiceDataSource,
  serviceDataSourceOptions,
} from '@hosp/platform-persistence';
import { AuthModule } from '@hosp/platform-auth';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health.controller';
import { KAFKA, KAFKA_SETTINGS, kafkaProviders, OutboxRelayLifecycle } from './kafka.providers';
import { OutboxWriter } from '@hosp/platform-kafka';
import { SERVICE_DEFINITION, type ServiceDefinition } from './service-definition';
import { EventConsumersLifecycle } from './event-consumers';
import { ServiceEvents } from './service-events';

/**
 * Everything a platform service stands on: JSON logging with correlation ids, its own PostgreSQL database
 * (created and migrated at startup), the Kafka client, the outbox writer and relay, the service's
 * `@EventConsumer` groups, `/health/live`,
 * `/health/ready` and `/metrics`. A service's AppModule imports `PlatformModule.forService(definition)`.
 */
@Module({})
export class PlatformModule {
  static forService(def: ServiceDefinition): DynamicModule {
    const migrations = [PlatformMessaging1763700000000, PlatformAudit1763700000010, ...def.migrations];
    return {
      module: PlatformModule,
      global: true,
      imports: [
        DiscoveryModule,
        // Every HTTP route needs a verified bearer token and a declared access policy (security issue).
        AuthModule.forRoot(),
        // Every controller request, token refusal and /audit/* read goes on the hash-chained audit trail.
        AuditModule.forService(def.service),
        // A factory, so LOG_LEVEL is read when the application boots, not when the module file is imported.
        LoggerModule.forRootAsync({ useFactory: () => loggerParams(def.service) }),
        TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...serviceDataSourceOptions({
              url: databaseUrlFromEnv(def.service),
              migrations,
              entities: def.entities,
            }),
            retryAttempts: 10,
            retryDelay: 2_000,
          }),
          dataSourceFactory: async () =>
            openServiceDataSource({
              url: databaseUrlFromEnv(def.service),
              migrations,
              entities: def.entities,
              applicationName: def.service,
            }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_DEFINITION, useValue: def },
        ...kafkaProviders(),
        EventConsumersLifecycle,
        ServiceEvents,
      ],
      exports: [SERVICE_DEFINITION, KAFKA, KAFKA_SETTINGS, OutboxWriter, OutboxRelayLifecycle, ServiceEvents],
    };
  }
}

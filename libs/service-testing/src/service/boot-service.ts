import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureApp, type ServiceDefinition } from '@hosp/platform-runtime';
import type { AddressInfo } from 'node:net';
import { isolatedContext, type IsolatedContext } from '@hosp/testing';
import { testAuthEnv } from './auth';

export interface BootedService {
  app: INestApplication;
  baseUrl: string;
  ctx: IsolatedContext;
  close(): Promise<void>;
}

/**
 * Boots a service's real AppModule on an ephemeral port against the real stack, in a database and topic
 * namespace of the test's own. Configuration goes through the same environment variables as production.
 */
export interface BootOptions {
  /** Point the service at other brokers, e.g. a closed port to see it refuse readiness. */
  kafkaBrokers?: string[];
  /** Point the service at another database, e.g. a server the test stops and starts. */
  databaseUrl?: string;
  /**
   * Put the service on another booted service's topics (its own database still), so that the services of an
   * end-to-end test exchange events as they do in a deployment.
   */
  sameTopicsAs?: BootedService;
}

export async function bootService(
  appModule: Type<unknown>,
  def: ServiceDefinition,
  options: BootOptions = {},
): Promise<BootedService> {
  const ctx = await isolatedContext(undefined, options.sameTopicsAs?.ctx.topicPrefix);
  process.env['DATABASE_URL'] = options.databaseUrl ?? ctx.databaseUrl;
  process.env['KAFKA_BROKERS'] = (options.kafkaBrokers ?? ctx.stack.brokers).join(',');
  process.env['KAFKA_TOPIC_PREFIX'] = ctx.topicPrefix;
  process.env['FACILITY_CODE'] = '79001';
  process.env['LOG_LEVEL'] = process.env['LOG_LEVEL'] ?? 'warn';
  Object.assign(process.env, await testAuthEnv());
  const moduleRef = await Test.createTestingModule({ imports: [appModule] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureApp(app, def);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    ctx,
    close: async () => {
      await app.close();
      await ctx.cleanup();
    },
  };
}

import type { INestApplication, Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ApiErrorFilter } from './http/api-error.filter';
import { platformValidationPipe } from './http/validation';
import type { ServiceDefinition } from './service-definition';

/** Applies what every service's HTTP face shares: the pino logger, shutdown hooks, the OpenAPI document. */
export function configureApp(app: INestApplication, def: ServiceDefinition): void {
  app.useLogger(app.get(Logger));
  // SIGTERM/SIGINT close the HTTP server, stop the relay and consumers, then close the database pool.
  app.enableShutdownHooks();
  // Every request body is validated against its DTO; every error leaves in one shape (http/api-error.filter).
  app.useGlobalPipes(platformValidationPipe());
  app.useGlobalFilters(new ApiErrorFilter(app.get(HttpAdapterHost)));
  const doc = new DocumentBuilder()
    .setTitle(`${def.service}`)
    .setDescription(def.title)
    .setVersion('1')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs/openapi.json',
  });
}

/** Starts a service: `PORT` (or the service's default port) on `HOST` (default 0.0.0.0). */
export async function bootstrapService(
  appModule: Type<unknown>,
  def: ServiceDefinition,
): Promise<INestApplication> {
  const app = await NestFactory.create(appModule, { bufferLogs: true });
  configureApp(app, def);
  const port = Number(process.env['PORT'] ?? def.defaultPort);
  await app.listen(port, process.env['HOST'] ?? '0.0.0.0');
  app
    .get(Logger)
    .log(
      `${def.service} listening on http://127.0.0.1:${port} (health /health/ready, metrics /metrics, API /docs)`,
    );
  return app;
}

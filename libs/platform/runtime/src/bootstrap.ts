import type { INestApplication, Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
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
  // Request bodies (JSON, forms) are capped (security issue: payload limits on every interface); a larger one is
  // refused with 413 before it is buffered. HTTP_BODY_LIMIT, default 2 MB: a catalogue of 5,000 items fits.
  // Streams with their own limits (DICOMweb STOW) are not parsed here.
  const bodyLimit = process.env['HTTP_BODY_LIMIT'] ?? '2mb';
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: bodyLimit });
  express.useBodyParser('urlencoded', { limit: bodyLimit, extended: false });
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

import pino from 'pino';
import type { Params } from 'nestjs-pino';
import { correlationIdFor } from './correlation';

/**
 * JSON logs (pino), one line per event, with the service name and the request's correlation id on every
 * line. Health and metrics probes are not logged: they would drown the useful lines.
 */
export function loggerParams(service: string): Params {
  return {
    pinoHttp: {
      level: process.env['LOG_LEVEL'] ?? 'info',
      base: { service },
      messageKey: 'msg',
      genReqId: correlationIdFor,
      customAttributeKeys: { reqId: 'correlationId' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
    },
  };
}

/**
 * A logger for work outside HTTP requests (outbox relay, consumers): the same JSON shape, service name and
 * LOG_LEVEL as the request logs, read when it is created (at boot).
 */
export function backgroundLogger(service: string, name: string): pino.Logger {
  return pino({ level: process.env['LOG_LEVEL'] ?? 'info', base: { service, name }, messageKey: 'msg' });
}

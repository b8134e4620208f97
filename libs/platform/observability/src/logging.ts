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

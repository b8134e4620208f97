import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import {
  ApiError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  RuleViolationError,
} from './api-errors';

/**
 * The error body every service answers with:
 *   { statusCode, error, code, message, errors?: [{ field, reason }], details? }
 * `errors` lists every field problem of a 400 so a form can show them all at once.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('ApiErrorFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<unknown>();
    const req = http.getRequest<IncomingMessage>();
    const reply = (status: number, body: object) => this.adapterHost.httpAdapter.reply(res, body, status);
    if (exception instanceof ApiError) {
      reply(exception.status, {
        statusCode: exception.status,
        error: STATUS_TEXT[exception.status] ?? 'Error',
        code: exception.code,
        message: exception.message,
        ...(exception instanceof InvalidRequestError ? { errors: exception.problems } : {}),
        ...(exception instanceof NotFoundError
          ? { details: { resource: exception.resource, id: exception.id } }
          : {}),
        ...((exception instanceof ConflictError || exception instanceof RuleViolationError) &&
        exception.details
          ? { details: exception.details }
          : {}),
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      reply(
        status,
        typeof body === 'object' && body !== null
          ? { statusCode: status, code: codeForStatus(status), ...body }
          : { statusCode: status, code: codeForStatus(status), message: String(body) },
      );
      return;
    }
    // The body parser's own errors (body-parser/http-errors: `expose` and a 4xx `status`), e.g. a body over
    // HTTP_BODY_LIMIT (413) or malformed JSON (400), reach the filter as plain errors, not HttpExceptions.
    const parserError = exception as {
      status?: unknown;
      expose?: unknown;
      type?: unknown;
      message?: unknown;
    };
    if (
      parserError &&
      parserError.expose === true &&
      typeof parserError.status === 'number' &&
      parserError.status >= 400 &&
      parserError.status < 500
    ) {
      const status = parserError.status;
      reply(status, {
        statusCode: status,
        error: STATUS_TEXT[status] ?? 'Error',
        code: status === 413 ? 'PAYLOAD_TOO_LARGE' : codeForStatus(status),
        message: String(parserError.message ?? 'bad request body'),
      });
      return;
    }
    this.log.error({ err: exception, path: req.url }, 'unhandled error');
    reply(500, {
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL',
      message: 'internal error',
    });
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
};

function codeForStatus(status: number): string {
  if (status === 400) return 'INVALID_REQUEST';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  return `HTTP_${status}`;
}

import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequestError, type FieldProblem } from './api-errors';

/**
 * Request bodies and queries are DTO classes checked by class-validator. Unknown fields are refused (a typo
 * in a field name must not silently drop data) and every problem is reported with its dotted field path.
 */
export function platformValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new InvalidRequestError(flatten(errors, '')),
  });
}

function flatten(errors: ValidationError[], prefix: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const path = /^\d+$/.test(e.property)
      ? `${prefix}[${e.property}]`
      : prefix
        ? `${prefix}.${e.property}`
        : e.property;
    for (const reason of Object.values(e.constraints ?? {})) out.push({ field: path, reason });
    if (e.children?.length) out.push(...flatten(e.children, path));
  }
  return out;
}

/**
 * Errors an application service throws to say why a request cannot be done, independent of HTTP. The
 * filter in api-error.filter.ts turns them into responses; a Kafka consumer or an MLLP listener calling the
 * same application service maps them to its own protocol's error instead.
 */
export interface FieldProblem {
  /** The request field, in dotted path form (`address.provinceCode`, `items[2].quantity`). */
  field: string;
  reason: string;
}

export abstract class ApiError extends Error {
  abstract readonly status: number;
  /** A stable, machine-readable code (e.g. CARD_EXPIRED) that clients switch on; `message` is for people. */
  abstract readonly code: string;
}

/** The request is malformed: a field is missing, has the wrong form, or fails a standard's format rule. */
export class InvalidRequestError extends ApiError {
  readonly status = 400;
  readonly code = 'INVALID_REQUEST';
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
  }

  static field(field: string, reason: string): InvalidRequestError {
    return new InvalidRequestError([{ field, reason }]);
  }
}

export class NotFoundError extends ApiError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} ${id} does not exist`);
  }
}

/** The request conflicts with the current state: an impossible transition, a duplicate, a stale version. */
export class ConflictError extends ApiError {
  readonly status = 409;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Optimistic locking: the caller edited a version that is no longer current. */
export class VersionConflictError extends ConflictError {
  constructor(resource: string, id: string, expected: number, current: number) {
    super(
      'VERSION_CONFLICT',
      `${resource} ${id} is at version ${current}, not ${expected}: reload and retry`,
      {
        expectedVersion: expected,
        currentVersion: current,
      },
    );
  }
}

/** Well-formed, but a business rule refuses it (e.g. an expired insurance card at check-in). */
export class RuleViolationError extends ApiError {
  readonly status = 422;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

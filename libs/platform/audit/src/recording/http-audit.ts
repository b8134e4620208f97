import { type AuditAction, DicomAuditEvent, REST_OPERATION } from '../model/audit-record';

/** What the interceptor knows about a finished request to a controller. */
export interface HttpExchange {
  method: string;
  /** Nest's route template, e.g. `/patients/:id/merge` (never the raw URL: ids belong in the fields). */
  route: string;
  params: Readonly<Record<string, unknown>>;
  query: Readonly<Record<string, unknown>>;
  /** The handler's declared `@HttpCode`, if any (a POST without one answers 201 Created). */
  declaredStatus?: number;
  /** The JSON the handler returned, if it returned one. */
  body?: unknown;
}

export interface HttpClassification {
  action: AuditAction;
  eventType: string;
  what: string;
  entityType?: string;
  entityId?: string;
  patientId?: string;
}

/**
 * Derives the audit fields of an HTTP request from its method, route template, parameters and response,
 * by rules simple enough to state in the README:
 *
 * - action (FHIR AuditEvent.action): GET/HEAD on a route with a parameter reads (R), without one searches
 *   (E, a query); POST creates (C) unless the handler declares another status than 201, then it updates the
 *   resource named by the route (U) or executes an operation (E); PUT/PATCH update (U); DELETE deletes (D).
 * - entity: the route's literal prefix before its first parameter (`procedures` for
 *   `/procedures/:id/reports`) and that parameter's value; for a create, the `id` of the response.
 * - patient: the `patientId` route parameter, else `:id` of a `/patients/...` route, else a `patientId`
 *   query parameter, else a `patientId` (or, on `/patients`, an `id`) field of the JSON response object.
 * - event type (DICOM PS3.16 CID 400): audit routes are 110101 Audit Log Used, searches 110112 Query,
 *   anything naming a patient 110110 Patient Record, the rest the FHIR `rest` type.
 */
export function classifyHttp(x: HttpExchange): HttpClassification {
  const method = x.method.toUpperCase();
  const segments = x.route.split('/').filter(Boolean);
  const firstParamAt = segments.findIndex((s) => s.startsWith(':'));
  const literal = firstParamAt === -1 ? segments : segments.slice(0, firstParamAt);
  const entityType = literal.length ? literal.join('/') : undefined;
  const firstParam = firstParamAt === -1 ? undefined : segments[firstParamAt].slice(1).replace(/\W.*$/, '');
  const action = actionFor(method, firstParam !== undefined, x.declaredStatus);
  const body = isPlainObject(x.body) ? x.body : undefined;
  const entityId =
    (firstParam !== undefined ? text(x.params[firstParam]) : undefined) ??
    (action === 'C' ? text(body?.['id']) : undefined);
  const onPatients = literal[0] === 'patients';
  const patientId =
    text(x.params['patientId']) ??
    (onPatients && literal.length === 1 && firstParam ? text(x.params[firstParam]) : undefined) ??
    text(x.query['patientId']) ??
    text(body?.['patientId']) ??
    (onPatients && literal.length === 1 ? text(body?.['id']) : undefined);
  return {
    action,
    eventType: eventTypeFor(literal[0], method, firstParam !== undefined, patientId),
    what: `${method} ${x.route}`,
    entityType,
    entityId,
    patientId,
  };
}

function actionFor(method: string, hasParam: boolean, declaredStatus: number | undefined): AuditAction {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasParam ? 'R' : 'E';
    case 'POST':
      if (declaredStatus === undefined || declaredStatus === 201) return 'C';
      return hasParam ? 'U' : 'E';
    case 'PUT':
    case 'PATCH':
      return 'U';
    case 'DELETE':
      return 'D';
    default:
      return 'E';
  }
}

function eventTypeFor(
  root: string | undefined,
  method: string,
  hasParam: boolean,
  patientId: string | undefined,
): string {
  if (root === 'audit') return DicomAuditEvent.AuditLogUsed;
  if ((method === 'GET' || method === 'HEAD') && !hasParam) return DicomAuditEvent.Query;
  if (patientId || root === 'patients') return DicomAuditEvent.PatientRecord;
  return REST_OPERATION;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

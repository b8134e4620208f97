/**
 * What one audit record says: who did what to which patient, when, from where, and how it ended. The
 * fields follow the participants of an audit message (DICOM PS3.15 Annex A.5, FHIR R4 AuditEvent) so that
 * both exports are a mapping, not a guess.
 */

/** FHIR R4 AuditEvent.action (http://hl7.org/fhir/audit-event-action): Create, Read, Update, Delete, Execute. */
export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

export const AUDIT_ACTIONS: readonly AuditAction[] = ['C', 'R', 'U', 'D', 'E'];

const ACTION_NAMES: Record<string, AuditAction> = {
  create: 'C',
  read: 'R',
  update: 'U',
  delete: 'D',
  execute: 'E',
};

/** `R`, `r` or `read` -> `R`; undefined for anything else. */
export function parseAuditAction(value: string): AuditAction | undefined {
  const v = value.trim();
  if ((AUDIT_ACTIONS as readonly string[]).includes(v.toUpperCase()) && v.length === 1)
    return v.toUpperCase() as AuditAction;
  return ACTION_NAMES[v.toLowerCase()];
}

export type AuditOutcome = 'success' | 'failure';

/** What a caller of `AuditTrail.record` gives. Everything but action, what and outcome is optional. */
export interface AuditRecordInput {
  action: AuditAction;
  /** `GET /patients/:id` (method + route template) or an event name such as `auth.token-refused`. */
  what: string;
  outcome: AuditOutcome;
  /** The HTTP status the request ended with, when there was one. */
  status?: number;
  /** Why it failed, as a code (`NOT_FOUND`, `token-expired`); never a message that may carry patient data. */
  detail?: string;
  /**
   * The audit event type (DICOM PS3.16 CID 400 code such as `110114` User Authentication, or `rest`).
   * Defaults from the action and the patient (see `defaultEventType`).
   */
  eventType?: string;
  /** The authenticated subject (`req.principal.sub`), or the `x-actor-id` header until authentication lands. */
  actor?: string;
  actorRoles?: readonly string[];
  /** The OAuth client (application) the actor used. */
  clientId?: string;
  /** The network address the request came from. */
  sourceAddress?: string;
  /** The resource acted on: the route's collection (`patients`, `procedures`) and its id. */
  entityType?: string;
  entityId?: string;
  patientId?: string;
  correlationId?: string;
  /** When it happened; defaults to now. */
  time?: Date;
}

/** A record ready to be chained: normalised, bounded, every optional field null rather than absent. */
export interface AuditRecord {
  time: Date;
  actor: string | null;
  actorRoles: string[];
  clientId: string | null;
  sourceAddress: string | null;
  action: AuditAction;
  eventType: string;
  what: string;
  entityType: string | null;
  entityId: string | null;
  patientId: string | null;
  outcome: AuditOutcome;
  status: number | null;
  detail: string | null;
  correlationId: string | null;
}

/** A stored record: its place in the chain and the hashes that link it. */
export interface ChainedAuditRecord extends AuditRecord {
  /** Position in the chain, 1, 2, 3, ... without gaps (a bigint, kept as a decimal string). */
  seq: string;
  prevHash: string;
  hash: string;
}

/** DICOM PS3.16 CID 400 "Audit Event ID" codes this platform emits (system DCM). */
export const DicomAuditEvent = {
  AuditLogUsed: '110101',
  PatientRecord: '110110',
  Query: '110112',
  SecurityAlert: '110113',
  UserAuthentication: '110114',
} as const;

/** FHIR audit-event-type `rest`: a RESTful operation on something that is not a patient record. */
export const REST_OPERATION = 'rest';

/** The event type when the caller gives none: a patient record when a patient is named, else a REST operation. */
export function defaultEventType(input: Pick<AuditRecordInput, 'patientId'>): string {
  return input.patientId ? DicomAuditEvent.PatientRecord : REST_OPERATION;
}

// Bounds keep one odd request (a 10 kB route parameter) from bloating the trail; ids are never that long.
const MAX_ID = 256;
const MAX_TEXT = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store and a JSON encoder writes the same way everywhere: no NUL (PostgreSQL text
 * refuses it), no lone surrogate (not valid UTF-8), bounded length.
 */
export function cleanText(value: unknown, max = MAX_ID): string | null {
  if (value === undefined || value === null) return null;
  const s = String(value).replace(/\0/g, '').replace(LONE_SURROGATE, '\uFFFD');
  if (s.length === 0) return null;
  return s.length > max ? s.slice(0, max) : s;
}

/** Fills defaults and bounds every field, so that what is hashed is exactly what PostgreSQL will give back. */
export function normalizeRecord(input: AuditRecordInput, now: () => Date = () => new Date()): AuditRecord {
  const patientId = cleanText(input.patientId);
  const roles = [...new Set((input.actorRoles ?? []).map((r) => cleanText(r)).filter((r) => r !== null))];
  return {
    time: input.time && !Number.isNaN(input.time.getTime()) ? input.time : now(),
    actor: cleanText(input.actor),
    // Sorted: the roles are a set, and a set must hash the same whatever order the token listed them in.
    actorRoles: roles.sort(),
    clientId: cleanText(input.clientId),
    sourceAddress: cleanText(input.sourceAddress),
    action: input.action,
    eventType: cleanText(input.eventType) ?? defaultEventType({ patientId: patientId ?? undefined }),
    what: cleanText(input.what, MAX_TEXT) ?? '-',
    entityType: cleanText(input.entityType),
    entityId: cleanText(input.entityId),
    patientId,
    outcome: input.outcome,
    status: Number.isInteger(input.status) ? (input.status as number) : null,
    detail: cleanText(input.detail, MAX_TEXT),
    correlationId: cleanText(input.correlationId),
  };
}

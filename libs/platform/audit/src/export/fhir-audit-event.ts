import { type ChainedAuditRecord, DicomAuditEvent } from '../model/audit-record';
import {
  DCM,
  DCM_LOGIN,
  eventTypeCoding,
  FHIR_ENTITY_TYPE,
  FHIR_OBJECT_ROLE,
  FHIR_RESTFUL_INTERACTION,
  FHIR_SOURCE_TYPE,
  HOSP_AUDIT_WHAT,
  outcomeIndicator,
  restfulInteraction,
} from './codes';
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Bundle, Coding } from './fhir-r4';

export interface AuditSource {
  /** The service that recorded the event (AuditEvent.source.observer, syslog APP-NAME). */
  service: string;
  /** The hospital's facility (KCB) code, when configured (AuditEvent.source.site). */
  facility?: string;
}

/** FHIR R4 ids: 1-64 of [A-Za-z0-9-.]; a patient id that is not one is sent as an identifier instead. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** One audit record as a FHIR R4 AuditEvent (http://hl7.org/fhir/R4/auditevent.html). */
export function toAuditEvent(r: ChainedAuditRecord, source: AuditSource): AuditEvent {
  const subtype: Coding[] = r.eventType === DicomAuditEvent.UserAuthentication ? [{ ...DCM_LOGIN }] : [];
  const interaction = restfulInteraction(r.what, r.action);
  if (interaction) subtype.push({ system: FHIR_RESTFUL_INTERACTION, code: interaction });
  subtype.push({ system: HOSP_AUDIT_WHAT, code: r.what });
  const outcome = outcomeIndicator(r.outcome, r.status);
  return {
    resourceType: 'AuditEvent',
    id: `${source.service}-${r.seq}`,
    type: eventTypeCoding(r.eventType),
    subtype,
    action: r.action,
    recorded: r.time.toISOString(),
    outcome,
    ...(outcome !== '0'
      ? {
          outcomeDesc: [r.status !== null ? `HTTP ${r.status}` : undefined, r.detail]
            .filter(Boolean)
            .join(' '),
        }
      : {}),
    agent: agents(r),
    source: {
      ...(source.facility ? { site: source.facility } : {}),
      observer: { display: source.service },
      type: [{ system: FHIR_SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
    entity: entities(r, source),
  };
}

function agents(r: ChainedAuditRecord): AuditEventAgent[] {
  const user: AuditEventAgent = {
    who: r.actor ? { identifier: { value: r.actor } } : { display: 'unidentified' },
    requestor: true,
    ...(r.actorRoles.length ? { role: r.actorRoles.map((role) => ({ text: role })) } : {}),
    ...(r.sourceAddress ? { network: { address: r.sourceAddress, type: '2' as const } } : {}),
  };
  if (!r.clientId) return [user];
  // The application the user acted through (DICOM 110150 Application), as ATNA lists it beside the user.
  const app: AuditEventAgent = {
    type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] },
    who: { identifier: { value: r.clientId } },
    requestor: false,
  };
  return [user, app];
}

function entities(r: ChainedAuditRecord, source: AuditSource): AuditEventEntity[] {
  const out: AuditEventEntity[] = [];
  if (r.patientId) {
    out.push({
      what: FHIR_ID.test(r.patientId)
        ? { reference: `Patient/${r.patientId}` }
        : { identifier: { value: r.patientId } },
      type: { system: FHIR_ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: FHIR_OBJECT_ROLE, code: '1', display: 'Patient' },
    });
  }
  if (r.entityType || r.correlationId) {
    out.push({
      ...(r.entityType && r.entityId
        ? {
            what: { identifier: { system: `urn:hosp:${source.service}:${r.entityType}`, value: r.entityId } },
          }
        : {}),
      type: { system: FHIR_ENTITY_TYPE, code: '2', display: 'System Object' },
      ...(r.eventType === DicomAuditEvent.Query
        ? { role: { system: FHIR_OBJECT_ROLE, code: '24', display: 'Query' } }
        : { role: { system: FHIR_OBJECT_ROLE, code: '4', display: 'Domain Resource' } }),
      name: r.entityType ?? r.what,
      ...(r.correlationId ? { detail: [{ type: 'correlation-id', valueString: r.correlationId }] } : {}),
    });
  }
  return out;
}

/** A page of records as a FHIR searchset Bundle, newest first, as `GET /audit/events.fhir` answers. */
export function toSearchsetBundle(
  records: readonly ChainedAuditRecord[],
  source: AuditSource,
  selfUrl: string,
  now: Date = new Date(),
): Bundle<AuditEvent> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: now.toISOString(),
    link: [{ relation: 'self', url: selfUrl }],
    entry: records.map((r) => ({ resource: toAuditEvent(r, source), search: { mode: 'match' } })),
  };
}

import { type AuditAction, DicomAuditEvent, REST_OPERATION } from '../model/audit-record';

/** DICOM Controlled Terminology (PS3.16), the code system of DICOM audit event ids and roles. */
export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const FHIR_AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const FHIR_RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const FHIR_ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
export const FHIR_OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
export const FHIR_SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
/** The route or event name of a record, carried as a subtype so the export keeps what the trail says. */
export const HOSP_AUDIT_WHAT = 'urn:hosp:audit:what';

const DICOM_EVENT_NAMES: Record<string, string> = {
  [DicomAuditEvent.AuditLogUsed]: 'Audit Log Used',
  [DicomAuditEvent.PatientRecord]: 'Patient Record',
  [DicomAuditEvent.Query]: 'Query',
  [DicomAuditEvent.SecurityAlert]: 'Security Alert',
  [DicomAuditEvent.UserAuthentication]: 'User Authentication',
  '110100': 'Application Activity',
  '110106': 'Export',
  '110107': 'Import',
  '110109': 'Order Record',
  '110111': 'Procedure Record',
};

/** The coding of a record's event type: DICOM ids are six digits starting 110; `rest` is FHIR's own. */
export function eventTypeCoding(code: string): { system: string; code: string; display?: string } {
  if (code === REST_OPERATION) return { system: FHIR_AUDIT_EVENT_TYPE, code, display: 'RESTful Operation' };
  if (/^11\d{4}$/.test(code)) return { system: DCM, code, display: DICOM_EVENT_NAMES[code] };
  return { system: 'urn:hosp:audit:event-type', code };
}

/** DICOM PS3.16 CID 401 "Audit Event Type Code" for a user authentication: the request's token was a login. */
export const DCM_LOGIN = { system: DCM, code: '110122', display: 'Login' } as const;

const HTTP_WHAT = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \//;

/** FHIR restful-interaction code of an HTTP record, from its method and action; undefined otherwise. */
export function restfulInteraction(what: string, action: AuditAction): string | undefined {
  const m = HTTP_WHAT.exec(what);
  if (!m) return undefined;
  switch (m[1]) {
    case 'GET':
    case 'HEAD':
      return action === 'R' ? 'read' : 'search-type';
    case 'POST':
      return action === 'C' ? 'create' : 'operation';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return 'operation';
  }
}

/** FHIR AuditEvent.outcome and DICOM EventOutcomeIndicator: 0 success, 4 refused (4xx), 8 failed (5xx). */
export function outcomeIndicator(outcome: 'success' | 'failure', status: number | null): '0' | '4' | '8' {
  if (outcome === 'success') return '0';
  return status !== null && status >= 500 ? '8' : '4';
}

import { type ChainedAuditRecord, DicomAuditEvent } from '../model/audit-record';
import { DCM_LOGIN, eventTypeCoding, outcomeIndicator } from './codes';
import type { AuditSource } from './fhir-audit-event';

/**
 * One audit record as a DICOM audit message (PS3.15 Annex A.5.1, the XML that IHE ATNA's Record Audit Event
 * [ITI-20] carries in the syslog MSG): EventIdentification, the requesting user as ActiveParticipant,
 * AuditSourceIdentification, and the patient and the resource as ParticipantObjectIdentification.
 */
export function toDicomAuditMessage(r: ChainedAuditRecord, source: AuditSource): string {
  const event = eventTypeCoding(r.eventType);
  const parts: string[] = [];
  parts.push(
    `<EventIdentification EventActionCode="${r.action}" EventDateTime="${r.time.toISOString()}" ` +
      `EventOutcomeIndicator="${outcomeIndicator(r.outcome, r.status)}">`,
    `<EventID csd-code="${x(event.code)}" codeSystemName="${event.system.endsWith('/DCM') ? 'DCM' : x(event.system)}" ` +
      `originalText="${x(event.display ?? event.code)}"/>`,
    `<EventTypeCode csd-code="${x(r.what)}" codeSystemName="urn:hosp:audit:what" originalText="${x(r.what)}"/>`,
  );
  if (r.eventType === DicomAuditEvent.UserAuthentication)
    parts.push(
      `<EventTypeCode csd-code="${DCM_LOGIN.code}" codeSystemName="DCM" originalText="${DCM_LOGIN.display}"/>`,
    );
  if (r.outcome === 'failure') {
    const desc = [r.status !== null ? `HTTP ${r.status}` : undefined, r.detail].filter(Boolean).join(' ');
    if (desc) parts.push(`<EventOutcomeDescription>${x(desc)}</EventOutcomeDescription>`);
  }
  parts.push('</EventIdentification>');
  parts.push(
    `<ActiveParticipant UserID="${x(r.actor ?? 'unidentified')}"` +
      (r.clientId ? ` AlternativeUserID="${x(r.clientId)}"` : '') +
      (r.actorRoles.length ? ` UserName="${x(r.actorRoles.join(','))}"` : '') +
      ` UserIsRequestor="true"` +
      // NetworkAccessPointTypeCode 2: an IP address.
      (r.sourceAddress
        ? ` NetworkAccessPointID="${x(r.sourceAddress)}" NetworkAccessPointTypeCode="2"`
        : '') +
      '/>',
  );
  // AuditSourceTypeCode 4: application server process tier (RFC 3881 / PS3.15 A.5.1).
  parts.push(
    `<AuditSourceIdentification` +
      (source.facility ? ` AuditEnterpriseSiteID="${x(source.facility)}"` : '') +
      ` AuditSourceID="${x(source.service)}"><AuditSourceTypeCode csd-code="4" codeSystemName="DCM" ` +
      `originalText="Application Server"/></AuditSourceIdentification>`,
  );
  if (r.patientId) {
    // Type 1 Person, role 1 Patient, id type 2 Patient Number (RFC 3881 code set).
    parts.push(
      `<ParticipantObjectIdentification ParticipantObjectID="${x(r.patientId)}" ParticipantObjectTypeCode="1" ` +
        `ParticipantObjectTypeCodeRole="1"><ParticipantObjectIDTypeCode csd-code="2" codeSystemName="RFC-3881" ` +
        `originalText="Patient Number"/></ParticipantObjectIdentification>`,
    );
  }
  if (r.entityType) {
    // Type 2 System Object, role 4 Domain Resource, id type 12 URI: urn:hosp:<service>:<collection>[/<id>].
    const uri = `urn:hosp:${source.service}:${r.entityType}${r.entityId ? `/${r.entityId}` : ''}`;
    parts.push(
      `<ParticipantObjectIdentification ParticipantObjectID="${x(uri)}" ParticipantObjectTypeCode="2" ` +
        `ParticipantObjectTypeCodeRole="4"><ParticipantObjectIDTypeCode csd-code="12" codeSystemName="RFC-3881" ` +
        `originalText="URI"/>` +
        (r.correlationId
          ? `<ParticipantObjectDetail type="correlation-id" value="${Buffer.from(r.correlationId).toString('base64')}"/>`
          : '') +
        `</ParticipantObjectIdentification>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><AuditMessage>${parts.join('')}</AuditMessage>`;
}

/** XML attribute and text escaping (XML 1.0 §2.4, §3.3.3): markup characters and whitespace that would be normalised. */
function x(s: string): string {
  return s.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c]);
}

/** C0 controls other than tab, LF and CR are not XML 1.0 characters (§2.2), not even as references. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F]/g;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

import { GENESIS_HASH } from '../chain/canonical';
import {
  type AuditRecordInput,
  type ChainedAuditRecord,
  DicomAuditEvent,
  normalizeRecord,
} from '../model/audit-record';
import { toDicomAuditMessage } from './dicom-audit-message';
import { toAuditEvent, toSearchsetBundle } from './fhir-audit-event';

function stored(input: AuditRecordInput, seq = '1'): ChainedAuditRecord {
  return { ...normalizeRecord(input), seq, prevHash: GENESIS_HASH, hash: 'cd'.repeat(32) };
}

const read = stored({
  action: 'R',
  what: 'GET /patients/:id',
  outcome: 'success',
  status: 200,
  actor: 'dr-a',
  actorRoles: ['physician'],
  clientId: 'his-web',
  sourceAddress: '10.1.2.3',
  entityType: 'patients',
  entityId: 'b7c1',
  patientId: 'b7c1',
  correlationId: 'req-1',
  time: new Date('2026-11-22T01:02:03.456Z'),
});

describe('FHIR R4 AuditEvent mapping', () => {
  it('maps a patient read: DICOM type, REST subtype, action, outcome, agents, source and patient entity', () => {
    expect(toAuditEvent(read, { service: 'his', facility: '79001' })).toEqual({
      resourceType: 'AuditEvent',
      id: 'his-1',
      type: {
        system: 'http://dicom.nema.org/resources/ontology/DCM',
        code: '110110',
        display: 'Patient Record',
      },
      subtype: [
        { system: 'http://hl7.org/fhir/restful-interaction', code: 'read' },
        { system: 'urn:hosp:audit:what', code: 'GET /patients/:id' },
      ],
      action: 'R',
      recorded: '2026-11-22T01:02:03.456Z',
      outcome: '0',
      agent: [
        {
          who: { identifier: { value: 'dr-a' } },
          requestor: true,
          role: [{ text: 'physician' }],
          network: { address: '10.1.2.3', type: '2' },
        },
        {
          type: {
            coding: [
              {
                system: 'http://dicom.nema.org/resources/ontology/DCM',
                code: '110150',
                display: 'Application',
              },
            ],
          },
          who: { identifier: { value: 'his-web' } },
          requestor: false,
        },
      ],
      source: {
        site: '79001',
        observer: { display: 'his' },
        type: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
            code: '4',
            display: 'Application Server',
          },
        ],
      },
      entity: [
        {
          what: { reference: 'Patient/b7c1' },
          type: {
            system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
            code: '1',
            display: 'Person',
          },
          role: {
            system: 'http://terminology.hl7.org/CodeSystem/object-role',
            code: '1',
            display: 'Patient',
          },
        },
        {
          what: { identifier: { system: 'urn:hosp:his:patients', value: 'b7c1' } },
          type: {
            system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
            code: '2',
            display: 'System Object',
          },
          role: {
            system: 'http://terminology.hl7.org/CodeSystem/object-role',
            code: '4',
            display: 'Domain Resource',
          },
          name: 'patients',
          detail: [{ type: 'correlation-id', valueString: 'req-1' }],
        },
      ],
    });
  });

  it('maps a refused login (recorded through AuditTrail.record) as DICOM 110114 with a minor failure', () => {
    const refused = stored({
      action: 'E',
      what: 'auth.token-refused',
      eventType: DicomAuditEvent.UserAuthentication,
      outcome: 'failure',
      status: 401,
      detail: 'token-expired',
      sourceAddress: '10.9.9.9',
    });
    const e = toAuditEvent(refused, { service: 'laboratory' });
    expect(e.type).toMatchObject({ code: '110114', display: 'User Authentication' });
    expect(e.subtype).toEqual([
      { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' },
      { system: 'urn:hosp:audit:what', code: 'auth.token-refused' },
    ]);
    expect(e.outcome).toBe('4');
    expect(e.outcomeDesc).toBe('HTTP 401 token-expired');
    expect(e.agent).toEqual([
      { who: { display: 'unidentified' }, requestor: true, network: { address: '10.9.9.9', type: '2' } },
    ]);
    expect(e.entity).toEqual([]);
    expect(e.source).toEqual(expect.not.objectContaining({ site: expect.anything() }));
  });

  it('maps a server error to outcome 8 and a patient id that is not a FHIR id to an identifier', () => {
    const e = toAuditEvent(
      stored({
        action: 'U',
        what: 'PUT /patients/:id',
        outcome: 'failure',
        status: 500,
        patientId: 'BN 001/2026',
      }),
      { service: 'his' },
    );
    expect(e.outcome).toBe('8');
    expect(e.entity?.[0].what).toEqual({ identifier: { value: 'BN 001/2026' } });
  });

  it('wraps records in a searchset Bundle', () => {
    const b = toSearchsetBundle(
      [read, stored({ action: 'E', what: 'GET /audit/events', outcome: 'success' }, '2')],
      { service: 'his' },
      'http://h/audit/events.fhir?patientId=b7c1',
      new Date('2026-11-22T02:00:00Z'),
    );
    expect(b).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      timestamp: '2026-11-22T02:00:00.000Z',
      link: [{ relation: 'self', url: 'http://h/audit/events.fhir?patientId=b7c1' }],
    });
    expect(b.entry.map((e) => [e.resource.id, e.search?.mode])).toEqual([
      ['his-1', 'match'],
      ['his-2', 'match'],
    ]);
  });
});

describe('DICOM audit message (PS3.15 A.5.1)', () => {
  it('names the event, the requesting user, the source and the patient, with XML escaping', () => {
    const xml = toDicomAuditMessage({ ...read, actor: 'dr "a" <b>' }, { service: 'his', facility: '79001' });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><AuditMessage>' +
        '<EventIdentification EventActionCode="R" EventDateTime="2026-11-22T01:02:03.456Z" EventOutcomeIndicator="0">' +
        '<EventID csd-code="110110" codeSystemName="DCM" originalText="Patient Record"/>' +
        '<EventTypeCode csd-code="GET /patients/:id" codeSystemName="urn:hosp:audit:what" originalText="GET /patients/:id"/>' +
        '</EventIdentification>' +
        '<ActiveParticipant UserID="dr &quot;a&quot; &lt;b&gt;" AlternativeUserID="his-web" UserName="physician" UserIsRequestor="true" NetworkAccessPointID="10.1.2.3" NetworkAccessPointTypeCode="2"/>' +
        '<AuditSourceIdentification AuditEnterpriseSiteID="79001" AuditSourceID="his"><AuditSourceTypeCode csd-code="4" codeSystemName="DCM" originalText="Application Server"/></AuditSourceIdentification>' +
        '<ParticipantObjectIdentification ParticipantObjectID="b7c1" ParticipantObjectTypeCode="1" ParticipantObjectTypeCodeRole="1"><ParticipantObjectIDTypeCode csd-code="2" codeSystemName="RFC-3881" originalText="Patient Number"/></ParticipantObjectIdentification>' +
        '<ParticipantObjectIdentification ParticipantObjectID="urn:hosp:his:patients/b7c1" ParticipantObjectTypeCode="2" ParticipantObjectTypeCodeRole="4"><ParticipantObjectIDTypeCode csd-code="12" codeSystemName="RFC-3881" originalText="URI"/><ParticipantObjectDetail type="correlation-id" value="cmVxLTE="/></ParticipantObjectIdentification>' +
        '</AuditMessage>',
    );
  });
});

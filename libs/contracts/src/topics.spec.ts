import { ScalarType } from '@bufbuild/protobuf';
import { AllTopics, deadLetterTopicName, PlatformServices, topicForEventType, Topics } from './topics';

describe('topic catalogue', () => {
  it('names every topic <service>.<aggregate>.v<N>, once', () => {
    for (const t of AllTopics)
      expect(t.name).toMatch(/^(his|lab|ris|pacs|claims|gateway)\.[a-z0-9-]+\.v[0-9]+$/);
    expect(new Set(AllTopics.map((t) => t.name)).size).toBe(AllTopics.length);
  });

  it('gives every message on a topic a string key field, so the record key cannot be missing', () => {
    for (const t of AllTopics) {
      for (const m of t.messages) {
        const field = m.fields.find((f) => f.localName === t.keyField);
        expect({ topic: t.name, type: m.typeName, field: field?.name }).toEqual(
          expect.objectContaining({ field: expect.any(String) }),
        );
        expect(field!.fieldKind).toBe('scalar');
        expect(field!.scalar).toBe(ScalarType.STRING);
      }
    }
  });

  it('keys patient-centred topics by patient id, so one patient stays in order', () => {
    // The gateway's topics are about connections and specimens before any patient is known.
    const notByPatient: string[] = [
      Topics.GatewayHl7Inbound.name,
      Topics.GatewayAnalyzerResult.name,
      Topics.PacsMpps.name,
    ];
    const byPatient = AllTopics.filter((t) => !notByPatient.includes(t.name));
    expect(byPatient.every((t) => t.keyField === 'patientId')).toBe(true);
    expect(Topics.GatewayAnalyzerResult.keyField).toBe('specimenId');
  });

  it('has a known producer and a message package of that producer for every topic', () => {
    const pkg: Record<string, string> = {
      his: 'hosp.his.v1',
      laboratory: 'hosp.lab.v1',
      'radiology-orders': 'hosp.ris.v1',
      'image-archive-gateway': 'hosp.pacs.v1',
      claims: 'hosp.claims.v1',
      'integration-gateway': 'hosp.gateway.v1',
    };
    for (const t of AllTopics) {
      expect(PlatformServices).toContain(t.producer);
      for (const m of t.messages) expect(m.typeName.startsWith(`${pkg[t.producer]}.`)).toBe(true);
    }
  });

  it('finds the topic of an event type and names dead-letter topics per group', () => {
    expect(topicForEventType('hosp.lab.v1.ResultFinalized')).toBe(Topics.LabResult);
    expect(topicForEventType('hosp.nope.v1.Nothing')).toBeUndefined();
    expect(deadLetterTopicName(Topics.LabResult.name, 'his.lab-results')).toBe(
      `${Topics.LabResult.name}.dlq.his.lab-results`,
    );
  });
});

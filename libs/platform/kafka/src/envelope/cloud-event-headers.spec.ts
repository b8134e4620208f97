import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema } from '@hosp/contracts';
import { envelopeFromHeaders, envelopeToHeaders, MissingEnvelopeError } from './cloud-event-headers';

describe('CloudEvents Kafka binary-mode headers', () => {
  const envelope = create(EnvelopeSchema, {
    id: '5b2c1c5e-0e4c-4b8e-9d7a-1b0f6d3c2a11',
    type: 'hosp.his.v1.PatientRegistered',
    source: 'urn:hosp:his',
    specVersion: '1.0',
    time: timestampFromDate(new Date('2026-11-21T08:30:00.000Z')),
    subject: 'P0001',
    dataContentType: 'application/protobuf',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    facility: '79001',
    partitionKey: 'P0001',
    correlationId: 'req-42',
  });

  it('writes the attributes as ce_ headers, content-type and traceparent', () => {
    expect(envelopeToHeaders(envelope)).toEqual({
      ce_id: envelope.id,
      ce_type: 'hosp.his.v1.PatientRegistered',
      ce_source: 'urn:hosp:his',
      ce_specversion: '1.0',
      ce_time: '2026-11-21T08:30:00.000Z',
      ce_subject: 'P0001',
      'content-type': 'application/protobuf',
      traceparent: envelope.traceparent,
      ce_facility: '79001',
      ce_partitionkey: 'P0001',
      ce_correlationid: 'req-42',
    });
  });

  it('reads back what it wrote, from the Buffers Kafka delivers', () => {
    const delivered = Object.fromEntries(
      Object.entries(envelopeToHeaders(envelope)).map(([k, v]) => [k, Buffer.from(v)]),
    );
    expect(envelopeFromHeaders(delivered)).toEqual(envelope);
  });

  it('names the missing required attributes', () => {
    expect(() => envelopeFromHeaders({ ce_type: 'x' })).toThrow(MissingEnvelopeError);
    expect(() => envelopeFromHeaders({ ce_type: 'x' })).toThrow(
      'missing CloudEvents headers: ce_id, ce_source',
    );
  });
});

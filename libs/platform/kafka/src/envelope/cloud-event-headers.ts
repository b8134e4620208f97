import { create } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type Envelope, EnvelopeSchema } from '@hosp/contracts';
import type { IHeaders } from 'kafkajs';

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode (cloudevents/spec kafka-protocol-binding.md
 * section 3.2): each attribute is a header named `ce_<attribute>`, the record value is the event data and
 * `content-type` describes it. Extension attribute names are lowercase alphanumerics (spec section 2.2),
 * hence `ce_facility`, `ce_partitionkey` and `ce_correlationid`. `traceparent` travels as its own header
 * (W3C Trace Context), as the CloudEvents distributed-tracing extension defines.
 */
export const CE_SPEC_VERSION = '1.0';
export const PROTOBUF_CONTENT_TYPE = 'application/protobuf';

export const CeHeader = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  specVersion: 'ce_specversion',
  subject: 'ce_subject',
  contentType: 'content-type',
  traceparent: 'traceparent',
  facility: 'ce_facility',
  partitionKey: 'ce_partitionkey',
  correlationId: 'ce_correlationid',
} as const;

export function envelopeToHeaders(env: Envelope): Record<string, string> {
  const h: Record<string, string> = {
    [CeHeader.id]: env.id,
    [CeHeader.type]: env.type,
    [CeHeader.source]: env.source,
    [CeHeader.specVersion]: env.specVersion || CE_SPEC_VERSION,
    [CeHeader.contentType]: env.dataContentType || PROTOBUF_CONTENT_TYPE,
  };
  if (env.time) h[CeHeader.time] = timestampDate(env.time).toISOString();
  if (env.subject) h[CeHeader.subject] = env.subject;
  if (env.traceparent) h[CeHeader.traceparent] = env.traceparent;
  if (env.facility) h[CeHeader.facility] = env.facility;
  if (env.partitionKey) h[CeHeader.partitionKey] = env.partitionKey;
  if (env.correlationId) h[CeHeader.correlationId] = env.correlationId;
  return h;
}

export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined || v === null) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
}

export class MissingEnvelopeError extends Error {}

/** Reads the envelope from record headers; throws when a required attribute (id, type, source) is absent. */
export function envelopeFromHeaders(headers: IHeaders | undefined): Envelope {
  const get = (n: string) => headerValue(headers, n);
  const id = get(CeHeader.id);
  const type = get(CeHeader.type);
  const source = get(CeHeader.source);
  const missing = [!id && CeHeader.id, !type && CeHeader.type, !source && CeHeader.source].filter(Boolean);
  if (missing.length) throw new MissingEnvelopeError(`missing CloudEvents headers: ${missing.join(', ')}`);
  const time = get(CeHeader.time);
  const parsed = time ? new Date(time) : undefined;
  return create(EnvelopeSchema, {
    id,
    type,
    source,
    specVersion: get(CeHeader.specVersion) ?? CE_SPEC_VERSION,
    time: parsed && !Number.isNaN(parsed.getTime()) ? timestampFromDate(parsed) : undefined,
    subject: get(CeHeader.subject) ?? '',
    dataContentType: get(CeHeader.contentType) ?? '',
    traceparent: get(CeHeader.traceparent) ?? '',
    facility: get(CeHeader.facility) ?? '',
    partitionKey: get(CeHeader.partitionKey) ?? '',
    correlationId: get(CeHeader.correlationId) ?? '',
  });
}

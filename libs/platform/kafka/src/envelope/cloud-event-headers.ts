import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Envelope } from '@hosp/contracts';
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
  const ms = time ? Date.parse(time) : Number.NaN;
  // A literal rather than protobuf-es `create()`: this runs for every consumed record, and the reflective
  // create costs more than the rest of the envelope's decoding.
  return {
    $typeName: 'hosp.platform.v1.Envelope',
    id: id!,
    type: type!,
    source: source!,
    specVersion: get(CeHeader.specVersion) ?? CE_SPEC_VERSION,
    time: Number.isNaN(ms)
      ? undefined
      : {
          $typeName: 'google.protobuf.Timestamp',
          seconds: BigInt(Math.floor(ms / 1000)),
          nanos: (((ms % 1000) + 1000) % 1000) * 1e6,
        },
    subject: get(CeHeader.subject) ?? '',
    dataContentType: get(CeHeader.contentType) ?? '',
    traceparent: get(CeHeader.traceparent) ?? '',
    facility: get(CeHeader.facility) ?? '',
    partitionKey: get(CeHeader.partitionKey) ?? '',
    correlationId: get(CeHeader.correlationId) ?? '',
  };
}

/** The headers of a new event, built directly (the outbox's hot path); the same as `envelopeToHeaders`. */
export function newEventHeaders(a: {
  id: string;
  type: string;
  source: string;
  time: Date;
  subject: string;
  traceparent: string;
  facility: string;
  partitionKey: string;
  correlationId: string;
}): Record<string, string> {
  const h: Record<string, string> = {
    [CeHeader.id]: a.id,
    [CeHeader.type]: a.type,
    [CeHeader.source]: a.source,
    [CeHeader.specVersion]: CE_SPEC_VERSION,
    [CeHeader.contentType]: PROTOBUF_CONTENT_TYPE,
    [CeHeader.time]: a.time.toISOString(),
  };
  if (a.subject) h[CeHeader.subject] = a.subject;
  if (a.traceparent) h[CeHeader.traceparent] = a.traceparent;
  if (a.facility) h[CeHeader.facility] = a.facility;
  if (a.partitionKey) h[CeHeader.partitionKey] = a.partitionKey;
  if (a.correlationId) h[CeHeader.correlationId] = a.correlationId;
  return h;
}

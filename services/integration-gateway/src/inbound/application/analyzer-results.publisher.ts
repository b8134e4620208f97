import { createHash } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AnalyzerResultsReportedSchema, Topics } from '@hosp/contracts';
import { type PendingEvent, ServiceEvents } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SpecimenResults } from '../domain/oru-r01-to-analyzer-results.mapper';

export interface ResultSource {
  messageId: string;
  connectionId: string;
  deviceId: string;
  /** "HL7 2.5.1 ORU^R01", "ASTM E1394". */
  protocol: string;
  receivedAt: Date;
}

/**
 * AnalyzerResultsReported, one per specimen, from HL7 and ASTM alike ("results go the same way"). The report
 * id is derived from the message, the specimen and the replay count: a redelivery carries the same id, a
 * deliberate replay a new one.
 */
@Injectable()
export class AnalyzerResultsPublisher {
  constructor(private readonly events: ServiceEvents) {}

  emit(
    m: EntityManager,
    source: ResultSource,
    results: SpecimenResults[],
    replay: number,
  ): Promise<string[]> {
    return this.events.emitAll(m, this.pending(source, results, replay));
  }

  /** The events without writing them, for a caller that writes many messages' events in one statement. */
  pending(source: ResultSource, results: SpecimenResults[], replay: number): PendingEvent[] {
    return results.map(
      (r): PendingEvent<typeof AnalyzerResultsReportedSchema> => ({
        topic: Topics.GatewayAnalyzerResult,
        schema: AnalyzerResultsReportedSchema,
        init: {
          reportId: stableUuid(`${source.messageId}/${r.specimenId}/${replay}`),
          messageId: source.messageId,
          connectionId: source.connectionId,
          deviceId: source.deviceId,
          specimenId: r.specimenId,
          protocol: source.protocol,
          receivedAt: timestampFromDate(source.receivedAt),
          observations: r.observations.map((o) => ({
            deviceCode: o.deviceCode,
            deviceName: o.deviceName,
            service: o.mapped
              ? { system: 'urn:hosp:his:service-catalog', code: o.serviceCode, display: o.serviceName }
              : undefined,
            loinc: o.loinc,
            value: o.value,
            valueType: o.valueType,
            unit: o.unit,
            deviceUnit: o.deviceUnit,
            referenceRange: o.referenceRange,
            deviceFlags: o.deviceFlags,
            resultStatus: o.resultStatus,
            observedAt: o.observedAt ? timestampFromDate(o.observedAt) : undefined,
            mapped: o.mapped,
          })),
        },
      }),
    );
  }
}

/** A UUID-shaped id derived from a name (SHA-256, RFC 9562 version 8 layout), stable across retries. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

import { timestampDate } from '@bufbuild/protobuf/wkt';
import { AnalyzerResultsReportedSchema, type ReportedObservation, Topics } from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { ResultsService } from '../application/results.service';
import type { HeldObservation } from '../persistence/held-results.repository';

/** The observation in the form LIS keeps (and holds) it: plain JSON, every reported field. */
export function observationOf(o: ReportedObservation): HeldObservation {
  return {
    deviceCode: o.deviceCode,
    deviceName: o.deviceName,
    service: o.service
      ? { system: o.service.system, code: o.service.code, display: o.service.display }
      : null,
    loinc: o.loinc,
    value: o.value,
    valueType: o.valueType,
    unit: o.unit,
    deviceUnit: o.deviceUnit,
    referenceRange: o.referenceRange,
    deviceFlags: o.deviceFlags,
    resultStatus: o.resultStatus,
    observedAt: o.observedAt ? timestampDate(o.observedAt).toISOString() : null,
    mapped: o.mapped,
  };
}

/**
 * Analyzer results from the integration gateway (HL7 ORU^R01 / OUL^R22, ASTM R records, the code map
 * applied), in the inbox transaction: a redelivered event, or the same report under a new event id, is
 * applied once. Nothing about the results is a reason to dead-letter: what cannot be placed is held.
 */
@EventConsumer({ groupId: 'laboratory.analyzer-results', topics: [Topics.GatewayAnalyzerResult] })
export class AnalyzerResultsConsumer {
  constructor(private readonly results: ResultsService) {}

  @OnEvent(AnalyzerResultsReportedSchema)
  async onReport(
    event: ConsumedEvent<typeof AnalyzerResultsReportedSchema>,
    m: EntityManager,
  ): Promise<void> {
    const r = event.payload;
    if (!r.reportId) throw new PermanentEventError('AnalyzerResultsReported has no report_id');
    await this.results.applyReportIn(
      m,
      {
        reportId: r.reportId,
        messageId: r.messageId,
        connectionId: r.connectionId,
        deviceId: r.deviceId,
        specimenId: r.specimenId.trim(),
        protocol: r.protocol,
        receivedAt: r.receivedAt ? timestampDate(r.receivedAt) : null,
        observations: r.observations.map(observationOf),
      },
      { correlationId: event.envelope.correlationId, traceparent: event.envelope.traceparent || undefined },
    );
  }
}

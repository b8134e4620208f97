import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ReportFinalizedSchema, ResultFinalizedSchema, Topics } from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { EpisodesService } from '../application/episodes.service';
import { eventTime } from './his-events.consumer';

/**
 * Paraclinical results for XML4 (QĐ 130 §1.10) and the execution/result times and performers of XML3: final
 * laboratory results from LIS and signed radiology reports from RIS. They name only their order; the episode is
 * found through it when the claim is built, so they may arrive before the order does.
 */
@EventConsumer({ groupId: 'claims.results', topics: [Topics.LabResult, Topics.RisProcedure] })
export class ResultsEventsConsumer {
  constructor(private readonly episodes: EpisodesService) {}

  @OnEvent(ResultFinalizedSchema)
  async onResult(e: ConsumedEvent<typeof ResultFinalizedSchema>, m: EntityManager) {
    const r = e.payload;
    if (!r.resultId || !r.orderId)
      throw new PermanentEventError('ResultFinalized lacks result_id or order_id');
    const releasedAt = eventTime(e, r.releasedAt);
    await this.episodes.resultIn(m, r.orderId, 'result', r.resultId, releasedAt, {
      resultId: r.resultId,
      orderId: r.orderId,
      testCode: r.test?.code ?? '',
      testName: r.test?.display ?? '',
      serviceCode: r.service?.code ?? '',
      value: r.value,
      unit: r.unit,
      observedAt: r.observedAt ? timestampDate(r.observedAt) : null,
      releasedAt,
      validatedBy: r.validatedBy,
      corrected: r.corrected,
    });
  }

  @OnEvent(ReportFinalizedSchema)
  async onReport(e: ConsumedEvent<typeof ReportFinalizedSchema>, m: EntityManager) {
    const r = e.payload;
    if (!r.orderId) return; // a report of a procedure HIS never ordered is no part of any claim
    if (!r.reportId) throw new PermanentEventError('ReportFinalized has no report_id');
    const signedAt = eventTime(e, r.signedAt);
    // An amended report replaces the earlier one of the same procedure (RIS contract): keyed by procedure.
    await this.episodes.resultIn(m, r.orderId, 'report', r.procedureId || r.reportId, signedAt, {
      reportId: r.reportId,
      orderId: r.orderId,
      findings: r.findings,
      impression: r.impression,
      radiologistId: r.radiologistId,
      signedAt,
    });
  }
}

import { toJson } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  MppsReportedSchema,
  MppsStatus,
  StudyHeldSchema,
  StudyReceivedSchema,
  Topics,
} from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { PerformedStepsService } from '../application/performed-steps.service';
import type { MppsState } from '../persistence/mpps.repository';
import { ctxOf, envelopeTime } from './his-events.consumer';

const MPPS_STATE: Partial<Record<MppsStatus, MppsState>> = {
  [MppsStatus.IN_PROGRESS]: 'in-progress',
  [MppsStatus.COMPLETED]: 'completed',
  [MppsStatus.DISCONTINUED]: 'discontinued',
};

/**
 * What RIS takes from the image archive gateway (ARCHITECTURE flow 3): the modalities' MPPS and the studies it
 * stored or holds. Each handler runs in the inbox transaction. An MPPS without its instance UID or state can
 * never apply (dead-letter); one that matches no procedure is kept, unmatched, and changes nothing.
 */
@EventConsumer({ groupId: 'radiology-orders.pacs', topics: [Topics.PacsMpps, Topics.PacsStudy] })
export class PacsEventsConsumer {
  constructor(private readonly steps: PerformedStepsService) {}

  @OnEvent(MppsReportedSchema)
  async onMpps(event: ConsumedEvent<typeof MppsReportedSchema>, m: EntityManager): Promise<void> {
    const r = event.payload;
    const status = MPPS_STATE[r.status];
    if (!r.mppsInstanceUid) throw new PermanentEventError('MppsReported has no mpps_instance_uid');
    if (!status) throw new PermanentEventError(`MppsReported ${r.mppsInstanceUid} has no status`);
    await this.steps.mppsIn(
      m,
      {
        mppsInstanceUid: r.mppsInstanceUid,
        status,
        accessionNumber: r.accessionNumber,
        scheduledStepId: r.scheduledStepId,
        requestedProcedureId: r.requestedProcedureId,
        studyInstanceUid: r.studyInstanceUid,
        modality: r.modality,
        stationAeTitle: r.stationAeTitle,
        dicomPatientId: r.patientId,
        startedAt: r.startedAt ? timestampDate(r.startedAt) : null,
        endedAt: r.endedAt ? timestampDate(r.endedAt) : null,
        instanceCount: r.instanceCount,
        discontinuationReason: r.discontinuationReason,
        eventId: event.envelope.id,
        payload: toJson(MppsReportedSchema, r),
        at: envelopeTime(event),
      },
      ctxOf(event),
    );
  }

  @OnEvent(StudyReceivedSchema)
  async onStudyReceived(event: ConsumedEvent<typeof StudyReceivedSchema>, m: EntityManager): Promise<void> {
    const s = event.payload;
    if (!s.studyInstanceUid) throw new PermanentEventError('StudyReceived has no study_instance_uid');
    await this.steps.studyReceivedIn(
      m,
      {
        studyInstanceUid: s.studyInstanceUid,
        accessionNumber: s.accessionNumber,
        orderId: s.orderId,
        modalities: s.modalities,
        seriesCount: s.seriesCount,
        instanceCount: s.instanceCount,
        receivedAt: s.receivedAt ? timestampDate(s.receivedAt) : envelopeTime(event),
      },
      ctxOf(event),
    );
  }

  @OnEvent(StudyHeldSchema)
  async onStudyHeld(event: ConsumedEvent<typeof StudyHeldSchema>, m: EntityManager): Promise<void> {
    const h = event.payload;
    await this.steps.studyHeldIn(m, {
      studyInstanceUid: h.studyInstanceUid,
      accessionNumber: h.accessionNumber,
      reasons: h.reasons,
      heldAt: h.heldAt ? timestampDate(h.heldAt) : envelopeTime(event),
    });
  }
}

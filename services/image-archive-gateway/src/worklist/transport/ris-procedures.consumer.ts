import { timestampDate } from '@bufbuild/protobuf/wkt';
import { ProcedureCancelledSchema, ProcedureScheduledSchema, Sex, Topics } from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { ReconciliationService } from '../../studies/application/reconciliation.service';
import { WorklistService } from '../application/worklist.service';

/** (0010,0040) Patient's Sex: M, F, O; unknown is left empty. */
const SEX: Record<Sex, string | null> = {
  [Sex.UNSPECIFIED]: null,
  [Sex.MALE]: 'M',
  [Sex.FEMALE]: 'F',
  [Sex.OTHER]: 'O',
  [Sex.UNKNOWN]: null,
};

/**
 * RIS's scheduled procedure steps become the Modality Worklist (IHE SWF: the Order Filler's worklist, served
 * by the archive as Image Manager). Applied in the inbox transaction: a redelivered event changes nothing. A
 * study that was held because its accession number was not scheduled yet is reconciled when it is.
 */
@EventConsumer({ groupId: 'image-archive-gateway.ris-procedures', topics: [Topics.RisProcedure] })
export class RisProceduresConsumer {
  constructor(
    private readonly worklist: WorklistService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  @OnEvent(ProcedureScheduledSchema)
  async onScheduled(event: ConsumedEvent<typeof ProcedureScheduledSchema>, m: EntityManager): Promise<void> {
    const e = event.payload;
    const missing = (
      ['procedureId', 'accessionNumber', 'modality', 'patientCode', 'patientName'] as const
    ).filter((f) => !e[f]?.trim());
    if (missing.length) throw new PermanentEventError(`ProcedureScheduled without ${missing.join(', ')}`);
    await this.worklist.schedule(m, {
      procedureId: e.procedureId,
      orderId: e.orderId,
      patientId: e.patientId,
      accessionNumber: e.accessionNumber.trim(),
      requestedProcedureId: e.requestedProcedureId || e.procedureId,
      scheduledStepId: e.scheduledStepId || e.procedureId,
      modality: e.modality.trim().toUpperCase(),
      stationAeTitle: e.stationAeTitle.trim() || null,
      stationName: e.stationName.trim() || null,
      scheduledStart: e.scheduledStart ? timestampDate(e.scheduledStart) : null,
      procedureCode: e.procedureCode?.code
        ? { system: e.procedureCode.system, code: e.procedureCode.code, display: e.procedureCode.display }
        : null,
      description: e.description || null,
      patientCode: e.patientCode.trim(),
      patientName: e.patientName.trim(),
      birthDate: e.birthDate || null,
      sex: SEX[e.sex],
      priority: e.priority || null,
      referringPhysician: e.referringPhysician || null,
      studyInstanceUid: e.studyInstanceUid || null,
    });
    await this.reconciliation.retryHeld(m, e.accessionNumber.trim(), {
      correlationId: event.envelope.correlationId,
      traceparent: event.envelope.traceparent || undefined,
    });
  }

  @OnEvent(ProcedureCancelledSchema)
  async onCancelled(event: ConsumedEvent<typeof ProcedureCancelledSchema>, m: EntityManager): Promise<void> {
    await this.worklist.cancel(m, event.payload.procedureId, event.payload.reason);
  }
}

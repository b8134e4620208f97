import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  AbnormalFlag,
  ProcedureCancelledSchema,
  ProcedureStatus,
  ProcedureStatusChangedSchema,
  ReportFinalizedSchema,
  ResultFinalizedSchema,
  SpecimenStatus,
  SpecimenStatusChangedSchema,
  Topics,
} from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { OrdersService } from '../../orders/application/orders.service';
import type { OrderStatus } from '../../orders/domain/order';
import { PatientsRepository } from '../../patients/persistence/patients.repository';
import { TimelineService } from '../../timeline/application/timeline.service';

const envelopeTime = (e: ConsumedEvent): Date =>
  e.envelope.time ? timestampDate(e.envelope.time) : new Date();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FLAG_TEXT: Record<AbnormalFlag, string> = {
  [AbnormalFlag.UNSPECIFIED]: '',
  [AbnormalFlag.NORMAL]: 'N',
  [AbnormalFlag.LOW]: 'L',
  [AbnormalFlag.HIGH]: 'H',
  [AbnormalFlag.CRITICAL_LOW]: 'LL',
  [AbnormalFlag.CRITICAL_HIGH]: 'HH',
  [AbnormalFlag.ABNORMAL]: 'A',
};

const PROCEDURE_TO_ORDER: Partial<Record<ProcedureStatus, OrderStatus>> = {
  [ProcedureStatus.SCHEDULED]: 'scheduled',
  [ProcedureStatus.IN_PROGRESS]: 'in-progress',
  [ProcedureStatus.COMPLETED]: 'performed',
  [ProcedureStatus.REPORTED]: 'completed',
};

/**
 * Where results end up (ARCHITECTURE.md flows 2 and 3): final lab results and signed imaging reports go on the
 * EMR timeline and complete their order; procedure status moves the order along. Each handler runs in the
 * inbox transaction, so a redelivered event changes nothing. An event about a patient this HIS does not know
 * cannot be applied by retrying: it goes to the dead-letter topic with the reason.
 */
@EventConsumer({
  groupId: 'his.clinical-results',
  topics: [Topics.LabResult, Topics.LabSpecimen, Topics.RisProcedure],
})
export class ClinicalResultsConsumer {
  constructor(
    private readonly orders: OrdersService,
    private readonly timeline: TimelineService,
  ) {}

  @OnEvent(ResultFinalizedSchema)
  async onLabResult(event: ConsumedEvent<typeof ResultFinalizedSchema>, m: EntityManager): Promise<void> {
    const r = event.payload;
    await this.requirePatient(m, r.patientId);
    const at = r.releasedAt ? timestampDate(r.releasedAt) : envelopeTime(event);
    const order = r.orderId
      ? await this.orders.advanceIn(m, r.orderId, 'completed', r.accessionNumber || null, at)
      : undefined;
    const flag = FLAG_TEXT[r.abnormalFlag];
    await this.timeline.addIn(m, {
      patientId: r.patientId,
      encounterId: order?.encounterId ?? null,
      kind: 'lab-result',
      refId: r.resultId,
      occurredAt: at,
      summary: `${r.test?.display || r.test?.code || 'Result'}: ${r.value}${r.unit ? ` ${r.unit}` : ''}${flag && flag !== 'N' ? ` (${flag})` : ''}${r.corrected ? ' [corrected]' : ''}`,
      detail: {
        orderId: r.orderId,
        accessionNumber: r.accessionNumber,
        test: r.test ? { system: r.test.system, code: r.test.code, display: r.test.display } : null,
        value: r.value,
        unit: r.unit,
        referenceRange: r.referenceRange,
        abnormalFlag: flag,
        corrected: r.corrected,
        observedAt: r.observedAt ? timestampDate(r.observedAt).toISOString() : null,
        eventId: event.envelope.id,
      },
    });
  }

  /** A specimen received in the lab puts its orders in progress; a rejection goes on the timeline with the reason. */
  @OnEvent(SpecimenStatusChangedSchema)
  async onSpecimen(
    event: ConsumedEvent<typeof SpecimenStatusChangedSchema>,
    m: EntityManager,
  ): Promise<void> {
    const s = event.payload;
    await this.requirePatient(m, s.patientId);
    const at = s.changedAt ? timestampDate(s.changedAt) : envelopeTime(event);
    let encounterId: string | null = null;
    if (s.status === SpecimenStatus.RECEIVED)
      for (const orderId of s.orderIds) {
        const o = await this.orders.advanceIn(m, orderId, 'in-progress', s.accessionNumber || null, at);
        encounterId = o?.encounterId ?? encounterId;
      }
    if (s.status === SpecimenStatus.REJECTED)
      await this.timeline.addIn(m, {
        patientId: s.patientId,
        encounterId,
        kind: 'lab-result',
        refId: s.specimenId,
        occurredAt: at,
        summary: `Specimen ${s.specimenId} rejected: ${s.rejectionReason}`,
        detail: {
          specimenId: s.specimenId,
          orderIds: s.orderIds,
          rejectionReason: s.rejectionReason,
          eventId: event.envelope.id,
        },
      });
  }

  @OnEvent(ProcedureStatusChangedSchema)
  async onProcedureStatus(
    event: ConsumedEvent<typeof ProcedureStatusChangedSchema>,
    m: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    await this.requirePatient(m, p.patientId);
    const to = PROCEDURE_TO_ORDER[p.status];
    const at = p.changedAt ? timestampDate(p.changedAt) : envelopeTime(event);
    const order =
      to && p.orderId
        ? await this.orders.advanceIn(m, p.orderId, to, p.accessionNumber || null, at)
        : undefined;
    await this.timeline.addIn(m, {
      patientId: p.patientId,
      encounterId: order?.encounterId ?? null,
      kind: 'imaging-status',
      refId: p.procedureId,
      occurredAt: at,
      summary: `${p.modality || 'Imaging'} ${ProcedureStatus[p.status].toLowerCase().replace('_', ' ')}`,
      detail: {
        orderId: p.orderId,
        accessionNumber: p.accessionNumber,
        modality: p.modality,
        eventId: event.envelope.id,
      },
    });
  }

  /** RIS withdrew a scheduled procedure: the order is cancelled and its charge reversed, with RIS's reason. */
  @OnEvent(ProcedureCancelledSchema)
  async onProcedureCancelled(
    event: ConsumedEvent<typeof ProcedureCancelledSchema>,
    m: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    await this.requirePatient(m, p.patientId);
    if (p.orderId)
      await this.orders.cancelledByDepartmentIn(
        m,
        p.orderId,
        `radiology: ${p.reason || 'procedure cancelled'}`,
      );
  }

  @OnEvent(ReportFinalizedSchema)
  async onReport(event: ConsumedEvent<typeof ReportFinalizedSchema>, m: EntityManager): Promise<void> {
    const r = event.payload;
    await this.requirePatient(m, r.patientId);
    const at = r.signedAt ? timestampDate(r.signedAt) : envelopeTime(event);
    const order = r.orderId
      ? await this.orders.advanceIn(m, r.orderId, 'completed', r.accessionNumber || null, at)
      : undefined;
    await this.timeline.addIn(m, {
      patientId: r.patientId,
      encounterId: order?.encounterId ?? null,
      kind: 'imaging-report',
      refId: r.reportId,
      occurredAt: at,
      summary: `${r.amended ? 'Amended report' : 'Report'}: ${r.impression || r.findings.slice(0, 200)}`,
      detail: {
        orderId: r.orderId,
        procedureId: r.procedureId,
        accessionNumber: r.accessionNumber,
        findings: r.findings,
        impression: r.impression,
        radiologistId: r.radiologistId,
        amended: r.amended,
        eventId: event.envelope.id,
      },
    });
  }

  private async requirePatient(m: EntityManager, patientId: string): Promise<void> {
    if (!UUID.test(patientId))
      throw new PermanentEventError(`patient id "${patientId}" is not a HIS patient id`);
    if (!(await PatientsRepository.get(m, patientId)))
      throw new PermanentEventError(`patient ${patientId} is not in this HIS's patient index`);
  }
}

import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  OrderCancelledSchema,
  OrderCategory,
  OrderPlacedSchema,
  PatientRegisteredSchema,
  PatientsMergedSchema,
  PatientUpdatedSchema,
  Topics,
} from '@hosp/contracts';
import { type ConsumedEvent, PermanentEventError } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import type { EntityManager } from 'typeorm';
import { RisPatientsService } from '../../patients/application/ris-patients.service';
import { PRIORITY_FROM_PROTO, SEX_FROM_PROTO } from '../../shared/domain/codes';
import { ProceduresService } from '../application/procedures.service';

export const envelopeTime = (e: ConsumedEvent): Date =>
  e.envelope.time ? timestampDate(e.envelope.time) : new Date();

export const ctxOf = (e: ConsumedEvent) => ({
  correlationId: e.envelope.correlationId,
  traceparent: e.envelope.traceparent || undefined,
});

/**
 * What RIS takes from HIS (ARCHITECTURE flow 3): imaging orders to schedule (other categories are LIS's or
 * nobody's) and their cancellations, and the patients' demographics (the worklist item carries them). Each
 * handler runs in the inbox transaction, so a redelivered event changes nothing. An order without the ids RIS
 * needs can never apply: it goes to the dead-letter topic. An order RIS cannot schedule yet is kept, waiting.
 */
@EventConsumer({ groupId: 'radiology-orders.his', topics: [Topics.HisOrder, Topics.HisPatient] })
export class HisEventsConsumer {
  constructor(
    private readonly procedures: ProceduresService,
    private readonly patients: RisPatientsService,
  ) {}

  @OnEvent(OrderPlacedSchema)
  async onOrderPlaced(event: ConsumedEvent<typeof OrderPlacedSchema>, m: EntityManager): Promise<void> {
    const o = event.payload;
    if (o.category !== OrderCategory.IMAGING) return;
    const missing = [
      ['order_id', o.orderId],
      ['patient_id', o.patientId],
      ['service.code', o.service?.code],
    ].filter(([, v]) => !v);
    if (missing.length)
      throw new PermanentEventError(`OrderPlaced lacks ${missing.map(([f]) => f).join(', ')}`);
    await this.procedures.requestIn(
      m,
      {
        orderId: o.orderId,
        encounterId: o.encounterId || null,
        patientId: o.patientId,
        service: {
          system: o.service!.system || null,
          code: o.service!.code,
          display: o.service!.display || null,
        },
        modality: o.modality || null,
        performingDepartment: o.performingDepartmentCode || null,
        priority: PRIORITY_FROM_PROTO[o.priority],
        orderedAt: o.orderedAt ? timestampDate(o.orderedAt) : envelopeTime(event),
        orderingProviderId: o.orderingProviderId || null,
        clinicalNote: o.clinicalNote || null,
      },
      ctxOf(event),
    );
  }

  /** Cancellations of orders RIS never had (laboratory, other) change nothing. */
  @OnEvent(OrderCancelledSchema)
  async onOrderCancelled(event: ConsumedEvent<typeof OrderCancelledSchema>, m: EntityManager): Promise<void> {
    const c = event.payload;
    if (!c.orderId) throw new PermanentEventError('OrderCancelled has no order_id');
    const at = c.cancelledAt ? timestampDate(c.cancelledAt) : envelopeTime(event);
    await this.procedures.cancelOrderIn(m, c.orderId, c.reason, at, ctxOf(event));
  }

  @OnEvent(PatientRegisteredSchema)
  async onPatientRegistered(
    event: ConsumedEvent<typeof PatientRegisteredSchema>,
    m: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    if (!p.patientId) throw new PermanentEventError('PatientRegistered has no patient_id');
    await this.patients.recordIn(
      m,
      {
        patientId: p.patientId,
        patientCode: p.patientCode,
        fullName: p.fullName,
        birthDate: p.birthDate,
        sex: SEX_FROM_PROTO[p.sex],
        version: 1,
      },
      ctxOf(event),
    );
  }

  @OnEvent(PatientUpdatedSchema)
  async onPatientUpdated(event: ConsumedEvent<typeof PatientUpdatedSchema>, m: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.patientId) throw new PermanentEventError('PatientUpdated has no patient_id');
    await this.patients.recordIn(
      m,
      {
        patientId: p.patientId,
        fullName: p.fullName,
        birthDate: p.birthDate,
        sex: SEX_FROM_PROTO[p.sex],
        version: p.version || 1,
      },
      ctxOf(event),
    );
  }

  @OnEvent(PatientsMergedSchema)
  async onPatientsMerged(event: ConsumedEvent<typeof PatientsMergedSchema>, m: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.patientId || !p.mergedPatientId)
      throw new PermanentEventError('PatientsMerged lacks patient_id or merged_patient_id');
    await this.patients.mergeIn(m, p.patientId, p.mergedPatientId, ctxOf(event));
  }
}

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
import { LabPatientsService } from '../../patients/application/lab-patients.service';
import { PRIORITY_FROM_PROTO, SEX_FROM_PROTO } from '../../shared/domain/codes';
import { AccessioningService } from '../application/accessioning.service';

const envelopeTime = (e: ConsumedEvent): Date =>
  e.envelope.time ? timestampDate(e.envelope.time) : new Date();

const ctxOf = (e: ConsumedEvent) => ({
  correlationId: e.envelope.correlationId,
  traceparent: e.envelope.traceparent || undefined,
});

/**
 * What LIS takes from HIS (ARCHITECTURE flow 2): laboratory orders to accession (other categories are RIS's
 * or nobody's) and their cancellations, and the patients' demographics (work orders carry them; reference
 * ranges depend on sex and age). Each handler runs in the inbox transaction, so a redelivered event changes
 * nothing. An order without the ids LIS needs can never apply: it goes to the dead-letter topic.
 */
@EventConsumer({ groupId: 'laboratory.his', topics: [Topics.HisOrder, Topics.HisPatient] })
export class HisEventsConsumer {
  constructor(
    private readonly accessioning: AccessioningService,
    private readonly patients: LabPatientsService,
  ) {}

  @OnEvent(OrderPlacedSchema)
  async onOrderPlaced(event: ConsumedEvent<typeof OrderPlacedSchema>, m: EntityManager): Promise<void> {
    const o = event.payload;
    if (o.category !== OrderCategory.LABORATORY) return;
    const missing = [
      ['order_id', o.orderId],
      ['encounter_id', o.encounterId],
      ['patient_id', o.patientId],
      ['service.code', o.service?.code],
    ].filter(([, v]) => !v);
    if (missing.length)
      throw new PermanentEventError(`OrderPlaced lacks ${missing.map(([f]) => f).join(', ')}`);
    await this.accessioning.accessionIn(
      m,
      {
        orderId: o.orderId,
        encounterId: o.encounterId,
        patientId: o.patientId,
        serviceCode: o.service!.code,
        serviceDisplay: o.service!.display || null,
        priority: PRIORITY_FROM_PROTO[o.priority],
        orderedAt: o.orderedAt ? timestampDate(o.orderedAt) : envelopeTime(event),
        orderingProviderId: o.orderingProviderId || null,
        clinicalNote: o.clinicalNote || null,
      },
      ctxOf(event),
    );
  }

  /** Cancellations of orders LIS never accessioned (imaging, other) change nothing. */
  @OnEvent(OrderCancelledSchema)
  async onOrderCancelled(event: ConsumedEvent<typeof OrderCancelledSchema>, m: EntityManager): Promise<void> {
    const c = event.payload;
    if (!c.orderId) throw new PermanentEventError('OrderCancelled has no order_id');
    const at = c.cancelledAt ? timestampDate(c.cancelledAt) : envelopeTime(event);
    await this.accessioning.cancelIn(m, c.orderId, c.reason, at, ctxOf(event));
  }

  @OnEvent(PatientRegisteredSchema)
  async onPatientRegistered(
    event: ConsumedEvent<typeof PatientRegisteredSchema>,
    m: EntityManager,
  ): Promise<void> {
    const p = event.payload;
    if (!p.patientId) throw new PermanentEventError('PatientRegistered has no patient_id');
    await this.patients.recordIn(m, {
      patientId: p.patientId,
      patientCode: p.patientCode,
      fullName: p.fullName,
      birthDate: p.birthDate,
      sex: SEX_FROM_PROTO[p.sex],
      version: 1,
    });
  }

  @OnEvent(PatientUpdatedSchema)
  async onPatientUpdated(event: ConsumedEvent<typeof PatientUpdatedSchema>, m: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.patientId) throw new PermanentEventError('PatientUpdated has no patient_id');
    await this.patients.recordIn(m, {
      patientId: p.patientId,
      fullName: p.fullName,
      birthDate: p.birthDate,
      sex: SEX_FROM_PROTO[p.sex],
      version: p.version || 1,
    });
  }

  @OnEvent(PatientsMergedSchema)
  async onPatientsMerged(event: ConsumedEvent<typeof PatientsMergedSchema>, m: EntityManager): Promise<void> {
    const p = event.payload;
    if (!p.patientId || !p.mergedPatientId)
      throw new PermanentEventError('PatientsMerged lacks patient_id or merged_patient_id');
    await this.patients.mergeIn(m, p.patientId, p.mergedPatientId);
  }
}

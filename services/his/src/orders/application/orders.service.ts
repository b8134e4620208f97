import { randomUUID } from 'node:crypto';
import {
  OrderCancelledSchema,
  OrderCategory,
  OrderPlacedSchema,
  OrderPriority as ProtoPriority,
  OrderStatus as ProtoStatus,
  OrderStatusChangedSchema,
  Topics,
} from '@hosp/contracts';
import {
  ConflictError,
  NotFoundError,
  type RequestContext,
  VersionConflictError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../../catalog/application/catalog.service';
import type { ServiceCategory } from '../../catalog/domain/catalog';
import { ChargesService } from '../../charges/application/charges.service';
import { ITEM_TYPE_OF_CATEGORY } from '../../charges/domain/charge';
import { ChargesRepository } from '../../charges/persistence/charges.repository';
import { EncountersService } from '../../encounters/application/encounters.service';
import { HisEvents, ts } from '../../shared/application/outbox';
import { TimelineService } from '../../timeline/application/timeline.service';
import { advances, cancellable, type OrderPriority, type OrderStatus } from '../domain/order';
import { type OrderRow, OrdersRepository as repo } from '../persistence/orders.repository';

export interface OrderLine {
  serviceCode: string;
  quantity?: number;
  priority?: OrderPriority;
  clinicalNote?: string;
}

const CATEGORY_TO_PROTO: Record<ServiceCategory, OrderCategory> = {
  laboratory: OrderCategory.LABORATORY,
  imaging: OrderCategory.IMAGING,
  procedure: OrderCategory.PROCEDURE,
  exam: OrderCategory.OTHER,
  bed: OrderCategory.OTHER,
  supply: OrderCategory.OTHER,
  other: OrderCategory.OTHER,
};
const PRIORITY_TO_PROTO: Record<OrderPriority, ProtoPriority> = {
  routine: ProtoPriority.ROUTINE,
  urgent: ProtoPriority.URGENT,
  stat: ProtoPriority.STAT,
};
const STATUS_TO_PROTO: Record<OrderStatus, ProtoStatus> = {
  placed: ProtoStatus.PLACED,
  scheduled: ProtoStatus.SCHEDULED,
  'in-progress': ProtoStatus.IN_PROGRESS,
  performed: ProtoStatus.PERFORMED,
  completed: ProtoStatus.COMPLETED,
  cancelled: ProtoStatus.CANCELLED,
};

/**
 * CPOE: orders for lab tests, imaging and other services from the catalogue. Placing an order charges it to
 * the encounter's ledger (the Vietnamese practice: a service is billed when ordered) and emits OrderPlaced,
 * which LIS or RIS picks up by category; cancelling reverses the charge. Status then follows LIS/RIS events.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly db: DataSource,
    private readonly events: HisEvents,
    private readonly encounters: EncountersService,
    private readonly catalog: CatalogService,
    private readonly charges: ChargesService,
    private readonly timeline: TimelineService,
  ) {}

  place(
    encounterId: string,
    lines: OrderLine[],
    providerId: string,
    ctx: RequestContext,
  ): Promise<OrderRow[]> {
    return this.db.transaction(async (m) => {
      const e = await this.encounters.lockFor(m, encounterId, 'order');
      const services = await this.catalog.requireServices(
        m,
        lines.map((l, i) => ({ field: `orders[${i}].serviceCode`, code: l.serviceCode })),
      );
      const placed: OrderRow[] = [];
      const at = new Date();
      for (const line of lines) {
        const s = services.get(line.serviceCode)!;
        const id = randomUUID();
        const quantity = line.quantity ?? 1;
        const priority = line.priority ?? 'routine';
        await repo.insert(m, {
          id,
          encounterId: e.id,
          patientId: e.patientId,
          serviceCode: s.code,
          category: s.category,
          priority,
          quantity,
          orderingProviderId: providerId,
          clinicalNote: line.clinicalNote ?? null,
          orderedAt: at,
        });
        await this.charges.postIn(
          m,
          e,
          {
            itemType: ITEM_TYPE_OF_CATEGORY[s.category],
            itemCode: s.code,
            itemName: s.name,
            quantity: String(quantity),
            unitPriceHospital: s.hospitalPrice,
            unitPriceInsurance: s.insurancePrice,
            sourceId: id,
            orderedBy: providerId,
            orderedAt: at,
          },
          ctx,
        );
        await this.events.emit(
          m,
          Topics.HisOrder,
          OrderPlacedSchema,
          {
            orderId: id,
            encounterId: e.id,
            patientId: e.patientId,
            category: CATEGORY_TO_PROTO[s.category],
            service: { system: 'urn:hosp:his:service-catalog', code: s.code, display: s.name },
            priority: PRIORITY_TO_PROTO[priority],
            orderingProviderId: providerId,
            clinicalNote: line.clinicalNote ?? '',
            orderedAt: ts(at),
            performingDepartmentCode: s.performingDepartment,
            modality: s.modality ?? '',
            quantity,
          },
          ctx,
        );
        await this.timeline.addIn(m, {
          patientId: e.patientId,
          encounterId: e.id,
          kind: 'order',
          refId: id,
          occurredAt: at,
          summary: `Ordered ${s.name} (${s.code})${priority !== 'routine' ? `, ${priority}` : ''}`,
          detail: {
            serviceCode: s.code,
            category: s.category,
            quantity,
            priority,
            orderingProviderId: providerId,
          },
        });
        placed.push((await repo.get(m, id))!);
      }
      return placed;
    });
  }

  cancel(orderId: string, c: { reason: string; version?: number }, ctx: RequestContext): Promise<OrderRow> {
    return this.db.transaction(async (m) => {
      const o = await repo.get(m, orderId, true);
      if (!o) throw new NotFoundError('Order', orderId);
      if (c.version !== undefined && c.version !== o.version)
        throw new VersionConflictError('Order', orderId, c.version, o.version);
      if (!cancellable(o.status))
        throw new ConflictError(
          'INVALID_TRANSITION',
          `order ${orderId} is ${o.status} and can no longer be cancelled`,
          { status: o.status },
        );
      await this.cancelIn(m, o, c.reason, ctx);
      return (await repo.get(m, orderId))!;
    });
  }

  /**
   * The performing department withdrew the order (e.g. RIS cancelled the procedure: the modality is out of
   * service). Inside the consumer's transaction; an order that is already cancelled or past the point of
   * cancelling is left alone (the department's event may be the echo of HIS's own cancellation).
   */
  async cancelledByDepartmentIn(
    m: EntityManager,
    orderId: string,
    reason: string,
  ): Promise<OrderRow | undefined> {
    const o = await repo.get(m, orderId, true);
    if (!o || !cancellable(o.status)) return o;
    await this.cancelIn(m, o, reason, {});
    return (await repo.get(m, orderId))!;
  }

  private async cancelIn(
    m: EntityManager,
    o: OrderRow,
    reason: string,
    ctx: Partial<RequestContext>,
  ): Promise<void> {
    const at = new Date();
    await repo.cancel(m, o.id, reason, at);
    for (const line of await ChargesRepository.openForSource(m, o.id))
      await this.charges.reverseIn(m, line, `order cancelled: ${reason}`, ctx);
    await this.events.emit(
      m,
      Topics.HisOrder,
      OrderCancelledSchema,
      {
        orderId: o.id,
        encounterId: o.encounterId,
        patientId: o.patientId,
        reason,
        cancelledBy: ctx.actorId ?? '',
        cancelledAt: ts(at),
      },
      ctx,
    );
    await this.timeline.addIn(m, {
      patientId: o.patientId,
      encounterId: o.encounterId,
      kind: 'order',
      refId: o.id,
      occurredAt: at,
      summary: `Cancelled ${o.serviceName}: ${reason}`,
      detail: { status: 'cancelled', reason },
    });
  }

  /**
   * Applies news from LIS or RIS to an order, inside the consumer's inbox transaction. Status only moves
   * forward; an event for an unknown order is reported (the caller decides: a PermanentEventError to the DLQ).
   */
  async advanceIn(
    m: EntityManager,
    orderId: string,
    to: OrderStatus,
    accession: string | null,
    at: Date,
  ): Promise<OrderRow | undefined> {
    const o = await repo.get(m, orderId, true);
    if (!o) return undefined;
    if (!advances(o.status, to)) return o;
    await repo.setStatus(m, orderId, to, accession, at);
    await this.events.emit(m, Topics.HisOrder, OrderStatusChangedSchema, {
      orderId,
      encounterId: o.encounterId,
      patientId: o.patientId,
      status: STATUS_TO_PROTO[to],
      accessionNumber: accession ?? o.accessionNumber ?? '',
      changedAt: ts(at),
    });
    return (await repo.get(m, orderId))!;
  }

  async get(id: string): Promise<OrderRow> {
    const o = await repo.get(this.db.manager, id);
    if (!o) throw new NotFoundError('Order', id);
    return o;
  }

  async forEncounter(encounterId: string): Promise<OrderRow[]> {
    await this.encounters.get(encounterId);
    return repo.forEncounter(this.db.manager, encounterId);
  }
}

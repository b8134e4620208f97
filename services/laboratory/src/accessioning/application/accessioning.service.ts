import { ConflictError, NotFoundError, type RequestContext } from '@hosp/platform-runtime';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ResultsRepository } from '../../results/persistence/results.repository';
import { SpecimensService } from '../../specimens/application/specimens.service';
import { SpecimensRepository as specimens } from '../../specimens/persistence/specimens.repository';
import { higherPriority, type Priority } from '../../shared/domain/codes';
import { facilityDate } from '../../shared/domain/dates';
import type { TestDefinition } from '../../test-definitions/domain/test-definition';
import { TestDefinitionsRepository } from '../../test-definitions/persistence/test-definitions.repository';
import {
  accessionNumber,
  ORDER_HOLD_REASONS,
  type OrderHoldReason,
  specimenBarcode,
} from '../domain/accession';
import {
  type HeldOrderRow,
  HeldOrdersRepository as held,
  type HeldOrderStatus,
} from '../persistence/held-orders.repository';

/** A laboratory order as LIS takes it from HIS (OrderPlaced with category LABORATORY). */
export interface LabOrder {
  orderId: string;
  encounterId: string;
  patientId: string;
  serviceCode: string;
  serviceDisplay: string | null;
  priority: Priority;
  orderedAt: Date;
  orderingProviderId: string | null;
  clinicalNote: string | null;
}

export type AccessionOutcome = 'accessioned' | 'held' | 'known';

/**
 * Accessioning (IHE LTW, the Order Filler's side): HIS's laboratory orders become tests on labelled
 * specimens. Rule (domain/accession.ts): one accession per encounter and facility day of ordering; within
 * it, one tube per container and specimen type while that tube is only labelled; barcode = accession number
 * + specimen number. An order for a service code LIS has no active definition of is HELD (listed over REST,
 * accessioned automatically when PUT /tests defines the code, or discarded by a person): a configuration gap
 * is fixed by configuration, not by replaying a dead-letter topic.
 */
@Injectable()
export class AccessioningService {
  private readonly log = new Logger(AccessioningService.name);

  constructor(
    private readonly db: DataSource,
    private readonly specimens: SpecimensService,
  ) {}

  /** Accessions one order in the consumer's inbox transaction; an order already known changes nothing. */
  async accessionIn(
    m: EntityManager,
    order: LabOrder,
    ctx?: Partial<RequestContext>,
  ): Promise<AccessionOutcome> {
    if ((await specimens.knowsOrder(m, order.orderId)) || (await held.get(m, order.orderId))) return 'known';
    const definition = await TestDefinitionsRepository.get(m, order.serviceCode);
    const problem: OrderHoldReason | null = !definition
      ? 'UNKNOWN_TEST'
      : !definition.active
        ? 'INACTIVE_TEST'
        : null;
    if (problem) {
      await held.insert(m, {
        ...order,
        reasonCode: problem,
        reason: `${ORDER_HOLD_REASONS[problem]}: ${order.serviceCode}${order.serviceDisplay ? ` (${order.serviceDisplay})` : ''}`,
        heldAt: new Date(),
      });
      return 'held';
    }
    await this.placeIn(m, order, definition!, ctx);
    return 'accessioned';
  }

  /**
   * Accessions the held orders waiting for these service codes (called when PUT /tests defines them), in the
   * same transaction as the definitions. Returns how many were accessioned.
   */
  async releaseHeldIn(m: EntityManager, codes: string[], ctx: Partial<RequestContext>): Promise<number> {
    let n = 0;
    for (const o of await held.heldFor(m, codes)) {
      const definition = await TestDefinitionsRepository.get(m, o.serviceCode);
      if (!definition?.active) continue;
      await this.placeIn(m, o, definition, ctx);
      await held.close(m, o.orderId, { status: 'accessioned', by: ctx.actorId ?? null, at: new Date() });
      n++;
    }
    return n;
  }

  /**
   * OrderCancelled: the test leaves its specimen (a pending result on it is cancelled too); the specimen's
   * work order follows (SpecimensService.testsChangedIn). A released result stays: the order was done.
   */
  async cancelIn(
    m: EntityManager,
    orderId: string,
    reason: string,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    const where = await specimens.testOfOrder(m, orderId);
    if (!where) {
      const h = await held.get(m, orderId, true);
      if (h?.status === 'held') await held.close(m, orderId, { status: 'cancelled', by: null, at, reason });
      return;
    }
    // Under the specimen's lock (a rejection may be moving the test to a recollection tube right now).
    await specimens.get(m, where.barcode, true);
    const t = (await specimens.testOfOrder(m, orderId))!;
    if (t.status === 'final') {
      this.log.warn(`order ${orderId} cancelled after its result was released; the result stands`);
      return;
    }
    if (t.status === 'cancelled') return;
    await ResultsRepository.cancelPendingForOrder(m, orderId);
    await specimens.setTestStatus(m, t.barcode, orderId, 'cancelled', reason || 'cancelled by HIS');
    await this.specimens.testsChangedIn(m, t.barcode, `order ${orderId} cancelled: ${reason}`, at, ctx);
  }

  listHeld(f: { status?: HeldOrderStatus; limit?: number }): Promise<HeldOrderRow[]> {
    return held.list(this.db.manager, { status: f.status ?? 'held', limit: Math.min(f.limit ?? 200, 1000) });
  }

  /** A held order nobody will define a test for (e.g. sent to an outside lab) is discarded with the reason. */
  discardHeld(orderId: string, reason: string, actor: string): Promise<HeldOrderRow> {
    return this.db.transaction(async (m) => {
      const h = await held.get(m, orderId, true);
      if (!h) throw new NotFoundError('Held order', orderId);
      if (h.status !== 'held')
        throw new ConflictError('INVALID_TRANSITION', `held order ${orderId} is ${h.status}`, {
          status: h.status,
        });
      await held.close(m, orderId, { status: 'discarded', by: actor, at: new Date(), reason });
      return (await held.get(m, orderId))!;
    });
  }

  private async placeIn(
    m: EntityManager,
    order: LabOrder,
    d: TestDefinition,
    ctx?: Partial<RequestContext>,
  ): Promise<string> {
    const day = facilityDate(order.orderedAt);
    let accession = (await specimens.lockAccessionFor(m, order.encounterId, day))?.accessionNumber;
    if (!accession) {
      const drawn = accessionNumber(day, await specimens.nextAccessionSeq(m, day));
      const opened = await specimens.insertAccession(m, {
        accessionNumber: drawn,
        patientId: order.patientId,
        encounterId: order.encounterId,
        day,
      });
      accession = opened
        ? drawn
        : (await specimens.lockAccessionFor(m, order.encounterId, day))!.accessionNumber;
    }
    const tube = await specimens.labelledTube(m, accession, d.containerType, d.specimenType);
    let barcode: string;
    if (tube) {
      barcode = tube.barcode;
      const priority = higherPriority(tube.priority, order.priority);
      if (priority !== tube.priority) await specimens.setPriority(m, barcode, priority);
    } else {
      const seq = await specimens.nextSpecimenSeq(m, accession);
      barcode = specimenBarcode(accession, seq);
      await specimens.insertSpecimen(m, {
        barcode,
        accessionNumber: accession,
        seq,
        specimenType: d.specimenType,
        containerType: d.containerType,
        priority: order.priority,
        at: new Date(),
      });
    }
    await specimens.insertTest(m, {
      barcode,
      orderId: order.orderId,
      serviceCode: d.serviceCode,
      priority: order.priority,
      orderedAt: order.orderedAt,
      orderingProviderId: order.orderingProviderId,
      clinicalNote: order.clinicalNote,
    });
    await this.specimens.statusChangedIn(m, (await specimens.get(m, barcode))!, 'labelled', new Date(), ctx);
    return barcode;
  }
}

import { randomUUID } from 'node:crypto';
import {
  SpecimenStatus as ProtoStatus,
  SpecimenStatusChangedSchema,
  Topics,
  WorkOrderCancelledSchema,
  WorkOrderReleasedSchema,
} from '@hosp/contracts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { LabPatientsRepository } from '../../patients/persistence/lab-patients.repository';
import { ResultsRepository } from '../../results/persistence/results.repository';
import { LabEvents, ts } from '../../shared/application/outbox';
import { PRIORITY_CODE, SERVICE_CATALOG_SYSTEM, SEX_TO_PROTO } from '../../shared/domain/codes';
import { specimenBarcode } from '../../accessioning/domain/accession';
import { allows, isLiveTest, type SpecimenAction, type SpecimenStatus } from '../domain/specimen';
import {
  type AccessionRow,
  type SpecimenRow,
  SpecimensRepository as repo,
} from '../persistence/specimens.repository';

const STATUS_TO_PROTO: Record<Exclude<SpecimenStatus, 'cancelled'>, ProtoStatus> = {
  labelled: ProtoStatus.LABELLED,
  collected: ProtoStatus.COLLECTED,
  received: ProtoStatus.RECEIVED,
  rejected: ProtoStatus.REJECTED,
};

/** A time the caller reports (collection, receipt) may not lie in the future beyond clock skew. */
const SKEW_MS = 5 * 60_000;

export interface RejectSpecimen {
  reason: string;
  /** Move the tests to a new labelled tube of the same kind (default true), so the orders can still be done. */
  recollect?: boolean;
}

/**
 * Specimens from labelling to receipt in the lab, and the analyzers' work orders. The work order is released
 * when the specimen is RECEIVED (not when collected): only a tube that is physically in the lab can be
 * loaded, so the analyzers' work lists (pushed OML^O21/ORM^O01, or answered to a QBP^Q11/ASTM Q query by the
 * gateway) hold exactly the tubes they may see. A change to its tests after release withdraws the work order
 * (WorkOrderCancelled) and releases the remaining tests as a new one.
 */
@Injectable()
export class SpecimensService {
  constructor(
    private readonly db: DataSource,
    private readonly events: LabEvents,
  ) {}

  async get(barcode: string): Promise<SpecimenRow> {
    const s = await repo.get(this.db.manager, barcode);
    if (!s) throw new NotFoundError('Specimen', barcode);
    return s;
  }

  list(f: { status?: SpecimenStatus; patientId?: string; limit?: number }): Promise<SpecimenRow[]> {
    return repo.list(this.db.manager, { ...f, limit: Math.min(f.limit ?? 200, 1000) });
  }

  async accession(accessionNumber: string): Promise<AccessionRow> {
    const a = await repo.getAccession(this.db.manager, accessionNumber);
    if (!a) throw new NotFoundError('Accession', accessionNumber);
    return a;
  }

  collect(barcode: string, input: { collectedAt?: Date }, ctx: RequestContext): Promise<SpecimenRow> {
    return this.db.transaction(async (m) => {
      const s = await this.lockFor(m, barcode, 'collect');
      const at = this.reportedTime('collectedAt', input.collectedAt);
      if (at < s.labelledAt)
        throw InvalidRequestError.field('collectedAt', 'is before the tube was labelled');
      await repo.collect(m, barcode, at, ctx.actorId ?? null);
      await this.statusChangedIn(m, (await repo.get(m, barcode))!, 'collected', at, ctx);
      return (await repo.get(m, barcode))!;
    });
  }

  /**
   * Receipt in the lab. A tube still only labelled is collected at the same time (the lab's own collection
   * bench); the receipt releases the work order to the analyzers.
   */
  receive(
    barcode: string,
    input: { receivedAt?: Date; collectedAt?: Date },
    ctx: RequestContext,
  ): Promise<SpecimenRow> {
    return this.db.transaction(async (m) => {
      let s = await this.lockFor(m, barcode, 'receive');
      const at = this.reportedTime('receivedAt', input.receivedAt);
      if (s.status === 'labelled') {
        const collectedAt = this.reportedTime('collectedAt', input.collectedAt ?? at);
        if (collectedAt > at) throw InvalidRequestError.field('collectedAt', 'is after the receipt');
        await repo.collect(m, barcode, collectedAt, ctx.actorId ?? null);
        s = (await repo.get(m, barcode))!;
        await this.statusChangedIn(m, s, 'collected', collectedAt, ctx);
      } else if (input.collectedAt) {
        throw InvalidRequestError.field('collectedAt', `specimen ${barcode} was already collected`);
      }
      if (s.collectedAt && at < s.collectedAt)
        throw InvalidRequestError.field('receivedAt', 'is before the collection');
      await repo.receive(m, barcode, at, ctx.actorId ?? null);
      s = (await repo.get(m, barcode))!;
      await this.statusChangedIn(m, s, 'received', at, ctx);
      await this.releaseIn(m, s, at, ctx);
      return (await repo.get(m, barcode))!;
    });
  }

  /**
   * Rejection (haemolysed, clotted, insufficient, unlabelled...): SpecimenStatusChanged REJECTED with the
   * reason, the work order withdrawn, results not yet released on it cancelled, and (by default) the tests
   * moved to a new labelled tube in the same accession. A tube with released results cannot be rejected: those
   * are corrected instead.
   */
  reject(barcode: string, input: RejectSpecimen, ctx: RequestContext): Promise<SpecimenRow> {
    return this.db.transaction(async (m) => {
      const s = await this.lockFor(m, barcode, 'reject');
      const released = await ResultsRepository.countOnSpecimen(m, barcode, ['final', 'corrected']);
      if (released > 0)
        throw new ConflictError(
          'SPECIMEN_HAS_FINAL_RESULTS',
          `specimen ${barcode} has ${released} released result(s): correct them instead of rejecting the tube`,
        );
      const at = new Date();
      const live = s.tests.filter((t) => isLiveTest(t.status));
      await repo.reject(m, barcode, at, ctx.actorId ?? null, input.reason);
      await ResultsRepository.cancelPendingOnSpecimen(m, barcode);
      for (const t of live) await repo.setTestStatus(m, barcode, t.orderId, 'rejected');
      await this.statusChangedIn(m, s, 'rejected', at, ctx, {
        orderIds: live.map((t) => t.orderId),
        reason: input.reason,
      });
      if (s.workOrderId) await this.withdrawIn(m, s, `specimen rejected: ${input.reason}`, at, ctx);
      if (input.recollect !== false && live.length > 0) {
        await repo.lockAccession(m, s.accessionNumber);
        const seq = await repo.nextSpecimenSeq(m, s.accessionNumber);
        const next = specimenBarcode(s.accessionNumber, seq);
        await repo.insertSpecimen(m, {
          barcode: next,
          accessionNumber: s.accessionNumber,
          seq,
          specimenType: s.specimenType,
          containerType: s.containerType,
          priority: s.priority,
          recollectionOf: barcode,
          at,
        });
        for (const t of live)
          await repo.insertTest(m, {
            barcode: next,
            orderId: t.orderId,
            serviceCode: t.serviceCode,
            priority: t.priority,
            orderedAt: t.orderedAt,
            orderingProviderId: t.orderingProviderId,
            clinicalNote: t.clinicalNote,
          });
        await this.statusChangedIn(m, (await repo.get(m, next))!, 'labelled', at, ctx);
      }
      return (await repo.get(m, barcode))!;
    });
  }

  /** SpecimenStatusChanged for the specimen's current live tests (or the given order ids). */
  async statusChangedIn(
    m: EntityManager,
    s: SpecimenRow,
    status: Exclude<SpecimenStatus, 'cancelled'>,
    at: Date,
    ctx?: Partial<RequestContext>,
    o: { orderIds?: string[]; reason?: string } = {},
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.LabSpecimen,
      SpecimenStatusChangedSchema,
      {
        specimenId: s.barcode,
        accessionNumber: s.accessionNumber,
        patientId: s.patientId,
        orderIds: o.orderIds ?? s.tests.filter((t) => isLiveTest(t.status)).map((t) => t.orderId),
        status: STATUS_TO_PROTO[status],
        rejectionReason: o.reason ?? '',
        changedAt: ts(at),
      },
      ctx,
    );
  }

  /**
   * The specimen's tests changed (an order was cancelled). No live test left: the tube is cancelled. Already
   * released: the work order is withdrawn, and what remains to be run is released as a new one.
   */
  async testsChangedIn(
    m: EntityManager,
    barcode: string,
    reason: string,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    const s = (await repo.get(m, barcode, true))!;
    const live = s.tests.filter((t) => isLiveTest(t.status));
    if (s.workOrderId) await this.withdrawIn(m, s, reason, at, ctx);
    if (live.length === 0) {
      if (allows(s.status, 'cancel')) await repo.cancel(m, barcode);
      return;
    }
    if (s.workOrderId && s.status === 'received')
      await this.releaseIn(m, (await repo.get(m, barcode))!, at, ctx);
  }

  /** WorkOrderReleased: the tube's tests still to be run, with the patient as the analyzer must print it. */
  private async releaseIn(
    m: EntityManager,
    s: SpecimenRow,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    const tests = s.tests.filter((t) => t.status === 'ordered' || t.status === 'resulted');
    if (tests.length === 0) return;
    const workOrderId = randomUUID();
    const p = await LabPatientsRepository.get(m, s.patientId);
    await this.events.emit(
      m,
      Topics.LabWorkOrder,
      WorkOrderReleasedSchema,
      {
        workOrderId,
        accessionNumber: s.accessionNumber,
        specimenId: s.barcode,
        specimenType: s.specimenType,
        containerType: s.containerType,
        patientId: s.patientId,
        patientCode: p?.patientCode ?? '',
        patientName: p?.fullName ?? '',
        birthDate: p?.birthDate ?? '',
        sex: p?.sex ? SEX_TO_PROTO[p.sex] : undefined,
        priority: PRIORITY_CODE[s.priority],
        tests: tests.map((t) => ({
          orderId: t.orderId,
          service: { system: SERVICE_CATALOG_SYSTEM, code: t.serviceCode, display: t.testName },
          loinc: t.loinc ?? '',
        })),
        collectedAt: s.collectedAt ? ts(s.collectedAt) : undefined,
        releasedAt: ts(at),
      },
      ctx,
    );
    await repo.setWorkOrder(m, s.barcode, workOrderId, at);
  }

  private async withdrawIn(
    m: EntityManager,
    s: SpecimenRow,
    reason: string,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.LabWorkOrder,
      WorkOrderCancelledSchema,
      {
        workOrderId: s.workOrderId!,
        specimenId: s.barcode,
        patientId: s.patientId,
        reason,
        cancelledAt: ts(at),
      },
      ctx,
    );
    await repo.setWorkOrder(m, s.barcode, null, null);
  }

  private async lockFor(m: EntityManager, barcode: string, action: SpecimenAction): Promise<SpecimenRow> {
    const s = await repo.get(m, barcode, true);
    if (!s) throw new NotFoundError('Specimen', barcode);
    if (!allows(s.status, action))
      throw new ConflictError('INVALID_TRANSITION', `specimen ${barcode} is ${s.status}: cannot ${action}`, {
        status: s.status,
      });
    return s;
  }

  private reportedTime(field: string, at: Date | undefined): Date {
    const now = new Date();
    if (!at) return now;
    if (at.getTime() > now.getTime() + SKEW_MS) throw InvalidRequestError.field(field, 'is in the future');
    return at;
  }
}

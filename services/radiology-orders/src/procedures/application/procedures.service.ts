import { randomUUID } from 'node:crypto';
import {
  ProcedureCancelledSchema,
  ProcedureScheduledSchema,
  ProcedureStatusChangedSchema,
  Sex,
  Topics,
} from '@hosp/contracts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  RuleViolationError,
  VersionConflictError,
} from '@hosp/platform-runtime';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ReportRow, ReportsRepository } from '../../reports/persistence/reports.repository';
import { RisEvents, ts } from '../../shared/application/outbox';
import { DICOM_PRIORITY, type Priority, SEX_TO_PROTO } from '../../shared/domain/codes';
import { facilityDate, facilityDayRange } from '../../shared/domain/dates';
import { MODALITY, uuidToDicomUid } from '../../shared/domain/dicom';
import { StationsRepository } from '../../stations/persistence/stations.repository';
import { accessionNumber, scheduledStepId } from '../domain/identifiers';
import {
  advances,
  allows,
  type ProcedureAction,
  type ProcedureStatus,
  type ProgressStatus,
  STATUS_TO_PROTO,
  WAITING_REASONS,
  type WaitingReason,
} from '../domain/procedure';
import { chooseSlot, firstFreeSlot, type StationLoad } from '../domain/scheduling';
import { type MppsRow, MppsRepository } from '../persistence/mpps.repository';
import { type ProcedureRow, ProceduresRepository as repo } from '../persistence/procedures.repository';

/** An imaging order as RIS takes it from HIS (OrderPlaced with category IMAGING). */
export interface ImagingOrder {
  orderId: string;
  encounterId: string | null;
  patientId: string;
  service: { system: string | null; code: string; display: string | null };
  /** As HIS sent it ((0008,0060) of its catalogue entry); checked here. */
  modality: string | null;
  performingDepartment: string | null;
  priority: Priority;
  orderedAt: Date;
  orderingProviderId: string | null;
  clinicalNote: string | null;
}

export type RequestOutcome = 'scheduled' | 'waiting' | 'known';

export interface Reschedule {
  stationAeTitle?: string;
  scheduledStart?: Date;
  version: number;
}

/** A requested start may lie this far in the past (clocks, the time to fill the form). */
const SKEW_MS = 5 * 60_000;

/**
 * Requested procedures and their scheduled steps (IHE SWF.b, the Order Filler / Department System Scheduler):
 * HIS's imaging orders get an accession number, a Study Instance UID and one scheduled procedure step on a
 * station of their modality by the rule of domain/scheduling.ts; the worklist learns it from ProcedureScheduled.
 * An order RIS cannot place (no station for its modality yet, no modality) waits as 'requested' with the reason:
 * PUT /stations schedules those of the modalities it defines, a person schedules the others. Status then moves
 * only forward, from MPPS, the archive's study events and the reports.
 */
@Injectable()
export class ProceduresService {
  private readonly log = new Logger(ProceduresService.name);

  constructor(
    private readonly db: DataSource,
    private readonly events: RisEvents,
  ) {}

  /** Takes an imaging order in the consumer's inbox transaction; an order already known changes nothing. */
  async requestIn(
    m: EntityManager,
    order: ImagingOrder,
    ctx?: Partial<RequestContext>,
  ): Promise<RequestOutcome> {
    if (await repo.knowsOrder(m, order.orderId)) return 'known';
    const given = order.modality?.trim().toUpperCase() || null;
    const modality = given && MODALITY.test(given) ? given : null;
    const day = facilityDate(new Date());
    const accession = accessionNumber(modality, day, await repo.nextAccessionSeq(m, day));
    const id = randomUUID();
    const waiting: WaitingReason = modality ? 'NO_STATION' : 'NO_MODALITY';
    const inserted = await repo.insert(m, {
      id,
      orderId: order.orderId,
      encounterId: order.encounterId,
      patientId: order.patientId,
      accessionNumber: accession,
      requestedProcedureId: accession,
      scheduledStepId: scheduledStepId(accession),
      studyInstanceUid: uuidToDicomUid(randomUUID()),
      modality,
      procedureCode: order.service,
      priority: order.priority,
      orderingProviderId: order.orderingProviderId,
      clinicalNote: order.clinicalNote,
      performingDepartment: order.performingDepartment,
      orderedAt: order.orderedAt,
      waitingReasonCode: waiting,
      waitingReason: `${WAITING_REASONS[waiting]}${modality ? ` ${modality}` : given ? ` ("${given}" is not one)` : ''}`,
    });
    // Another transaction took the order first: its accession number stays unused (a gap in the day's sequence).
    if (!inserted) return 'known';
    return (await this.autoScheduleIn(m, id, ctx)) ? 'scheduled' : 'waiting';
  }

  /**
   * Schedules a requested procedure by the rule, when a station of its modality is active: ProcedureScheduled
   * (the worklist item) and ProcedureStatusChanged SCHEDULED (HIS's order moves). False when it must wait.
   */
  async autoScheduleIn(m: EntityManager, id: string, ctx?: Partial<RequestContext>): Promise<boolean> {
    const p = (await repo.get(m, id, true))!;
    if (p.status !== 'requested' || !p.modality) return false;
    const stations = await StationsRepository.lockActiveFor(m, p.modality);
    if (stations.length === 0) {
      await repo.setWaiting(m, id, 'NO_STATION', `${WAITING_REASONS.NO_STATION} ${p.modality}`);
      return false;
    }
    const now = new Date();
    const loads: StationLoad[] = [];
    for (const s of stations)
      loads.push({
        aeTitle: s.aeTitle,
        departmentCode: s.departmentCode,
        slotMinutes: s.slotMinutes,
        taken: await repo.takenStarts(m, s.aeTitle, new Date(now.getTime() - s.slotMinutes * 60_000)),
      });
    const slot = chooseSlot(loads, { departmentCode: p.performingDepartment, priority: p.priority, now })!;
    await repo.schedule(m, id, {
      aeTitle: slot.aeTitle,
      start: slot.start,
      modality: p.modality,
      at: now,
      by: null,
    });
    const row = (await repo.get(m, id))!;
    await this.scheduledEventIn(m, row, ctx);
    await this.statusEventIn(m, row, 'scheduled', now, ctx);
    return true;
  }

  /**
   * The procedures waiting for a station of these modalities, locked (PUT /stations takes them before the
   * stations: every path locks a procedure before a station, so two transactions never wait on each other).
   */
  lockWaitingIn(m: EntityManager, modalities: string[]): Promise<string[]> {
    return modalities.length ? repo.waitingFor(m, modalities) : Promise.resolve([]);
  }

  /** Schedules waiting procedures by the rule (PUT /stations, same transaction); how many it scheduled. */
  async scheduleWaitingIn(m: EntityManager, ids: string[], ctx?: Partial<RequestContext>): Promise<number> {
    let n = 0;
    for (const id of ids) if (await this.autoScheduleIn(m, id, ctx)) n++;
    return n;
  }

  /**
   * Moves a procedure to another station and/or time (or schedules one still waiting for a station). Without
   * `scheduledStart` it takes the station's next free slot; an explicit start is taken as given (a person may
   * overbook a slot on purpose). Emits ProcedureScheduled again with the same procedure, accession, step and study.
   */
  reschedule(id: string, r: Reschedule, actor: string, ctx: RequestContext): Promise<ProcedureRow> {
    if (!r.stationAeTitle && !r.scheduledStart)
      throw new InvalidRequestError([
        { field: 'stationAeTitle', reason: 'give stationAeTitle, scheduledStart or both' },
        { field: 'scheduledStart', reason: 'give stationAeTitle, scheduledStart or both' },
      ]);
    const now = new Date();
    if (r.scheduledStart && r.scheduledStart.getTime() < now.getTime() - SKEW_MS)
      throw InvalidRequestError.field('scheduledStart', 'is in the past');
    return this.db.transaction(async (m) => {
      const p = await this.lockFor(m, id, 'reschedule');
      if (r.version !== p.version) throw new VersionConflictError('Procedure', id, r.version, p.version);
      const aeTitle = r.stationAeTitle ?? p.stationAeTitle;
      if (!aeTitle)
        throw InvalidRequestError.field('stationAeTitle', `procedure ${id} has no station yet: name one`);
      const station = await StationsRepository.get(m, aeTitle, true);
      if (!station) throw InvalidRequestError.field('stationAeTitle', `unknown station ${aeTitle}`);
      if (!station.active)
        throw InvalidRequestError.field('stationAeTitle', `station ${aeTitle} is inactive`);
      if (p.modality && station.modality !== p.modality)
        throw new RuleViolationError(
          'MODALITY_MISMATCH',
          `station ${aeTitle} performs ${station.modality}; procedure ${id} is ${p.modality}`,
          { stationModality: station.modality, procedureModality: p.modality },
        );
      const start =
        r.scheduledStart ??
        firstFreeSlot(
          now,
          station.slotMinutes,
          await repo.takenStarts(m, aeTitle, new Date(now.getTime() - station.slotMinutes * 60_000), id),
        );
      await repo.schedule(m, id, {
        aeTitle,
        start,
        modality: p.modality ?? station.modality,
        at: now,
        by: actor,
      });
      const row = (await repo.get(m, id))!;
      await this.scheduledEventIn(m, row, ctx);
      if (p.status === 'requested') await this.statusEventIn(m, row, 'scheduled', now, ctx);
      return row;
    });
  }

  /** Cancels a procedure not yet started: ProcedureCancelled, the worklist item disappears. */
  cancel(
    id: string,
    c: { reason: string; version?: number },
    actor: string,
    ctx: RequestContext,
  ): Promise<ProcedureRow> {
    return this.db.transaction(async (m) => {
      const p = await this.lockFor(m, id, 'cancel');
      if (c.version !== undefined && c.version !== p.version)
        throw new VersionConflictError('Procedure', id, c.version, p.version);
      await this.cancelledIn(m, p, c.reason, new Date(), actor, ctx);
      return (await repo.get(m, id))!;
    });
  }

  /**
   * OrderCancelled from HIS. A procedure already started stays (HIS only cancels orders not yet in progress;
   * the two crossed): the modality discontinues it, or it is reported. Orders RIS does not have change nothing.
   */
  async cancelOrderIn(
    m: EntityManager,
    orderId: string,
    reason: string,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    const p = await repo.findLocked(m, { orderId });
    if (!p || p.status === 'cancelled') return;
    if (!allows(p.status, 'cancel')) {
      this.log.warn(`order ${orderId} cancelled by HIS while procedure ${p.id} is ${p.status}; it stands`);
      return;
    }
    await this.cancelledIn(m, p, reason || 'cancelled by HIS', at, null, ctx);
  }

  /**
   * Moves the status on when the news allows it (forward only: a late or repeated report changes nothing) and
   * emits ProcedureStatusChanged. True when it moved.
   */
  async advanceIn(
    m: EntityManager,
    p: ProcedureRow,
    to: Exclude<ProgressStatus, 'scheduled'>,
    at: Date,
    ctx?: Partial<RequestContext>,
    discontinuationReason: string | null = null,
  ): Promise<boolean> {
    if (!advances(p.status, to)) return false;
    await repo.setStatus(m, p.id, to, at, discontinuationReason);
    await this.statusEventIn(m, p, to, at, ctx);
    return true;
  }

  /**
   * The worklist items of a patient's scheduled procedures again, with the demographics as they are now
   * (PatientRegistered after the order, PatientUpdated, PatientsMerged: the IHE SWF patient update).
   */
  async republishForPatientIn(
    m: EntityManager,
    patientId: string,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    for (const id of await repo.scheduledOfPatient(m, patientId))
      await this.scheduledEventIn(m, (await repo.get(m, id))!, ctx);
  }

  async get(id: string): Promise<ProcedureRow & { mpps: MppsRow[]; reports: ReportRow[] }> {
    const p = await repo.get(this.db.manager, id);
    if (!p) throw new NotFoundError('Procedure', id);
    return {
      ...p,
      mpps: await MppsRepository.forProcedure(this.db.manager, id),
      reports: await ReportsRepository.forProcedure(this.db.manager, id),
    };
  }

  list(f: {
    status?: ProcedureStatus;
    modality?: string;
    date?: string;
    stationAeTitle?: string;
    patientId?: string;
    accessionNumber?: string;
    orderId?: string;
    limit?: number;
  }): Promise<ProcedureRow[]> {
    const { date, ...rest } = f;
    return repo.list(this.db.manager, {
      ...rest,
      ...(date ? facilityDayRange(date) : {}),
      limit: Math.min(f.limit ?? 200, 1000),
    });
  }

  listMpps(f: { matched?: boolean; limit?: number }): Promise<MppsRow[]> {
    return MppsRepository.list(this.db.manager, {
      matched: f.matched,
      limit: Math.min(f.limit ?? 200, 1000),
    });
  }

  /** The procedure, locked, when the action is allowed in its status (404 / 409 otherwise). */
  async lockFor(m: EntityManager, id: string, action: ProcedureAction): Promise<ProcedureRow> {
    const p = await repo.get(m, id, true);
    if (!p) throw new NotFoundError('Procedure', id);
    if (!allows(p.status, action)) {
      const notYet = action === 'report' && (p.status === 'requested' || p.status === 'scheduled');
      throw new ConflictError(
        notYet ? 'NOT_PERFORMED' : 'INVALID_TRANSITION',
        notYet
          ? `procedure ${id} is ${p.status}: no images yet (no MPPS, no study) to report on`
          : `procedure ${id} is ${p.status}: cannot ${action}`,
        { status: p.status },
      );
    }
    return p;
  }

  private async cancelledIn(
    m: EntityManager,
    p: ProcedureRow,
    reason: string,
    at: Date,
    by: string | null,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await repo.cancel(m, p.id, { at, by, reason });
    await this.events.emit(
      m,
      Topics.RisProcedure,
      ProcedureCancelledSchema,
      {
        procedureId: p.id,
        orderId: p.orderId,
        patientId: p.patientId,
        accessionNumber: p.accessionNumber,
        scheduledStepId: p.scheduledStepId,
        reason,
        cancelledAt: ts(at),
      },
      ctx,
    );
  }

  /** ProcedureScheduled: the Modality Worklist item, with the patient as the modality must show it. */
  private async scheduledEventIn(
    m: EntityManager,
    p: ProcedureRow,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.RisProcedure,
      ProcedureScheduledSchema,
      {
        procedureId: p.id,
        orderId: p.orderId,
        patientId: p.patientId,
        accessionNumber: p.accessionNumber,
        requestedProcedureId: p.requestedProcedureId,
        scheduledStepId: p.scheduledStepId,
        modality: p.modality ?? '',
        stationAeTitle: p.stationAeTitle ?? '',
        stationName: p.stationName ?? '',
        scheduledStart: p.scheduledStart ? ts(p.scheduledStart) : undefined,
        procedureCode: {
          system: p.procedureCode.system ?? '',
          code: p.procedureCode.code,
          display: p.procedureCode.display ?? '',
        },
        description: p.procedureCode.display ?? p.procedureCode.code,
        patientCode: p.patient.patientCode ?? '',
        patientName: p.patient.fullName ?? '',
        birthDate: p.patient.birthDate ?? '',
        sex: p.patient.sex ? SEX_TO_PROTO[p.patient.sex] : Sex.UNSPECIFIED,
        priority: DICOM_PRIORITY[p.priority],
        referringPhysician: p.orderingProviderId ?? '',
        studyInstanceUid: p.studyInstanceUid,
      },
      ctx,
    );
  }

  private async statusEventIn(
    m: EntityManager,
    p: ProcedureRow,
    status: ProgressStatus,
    at: Date,
    ctx?: Partial<RequestContext>,
  ): Promise<void> {
    await this.events.emit(
      m,
      Topics.RisProcedure,
      ProcedureStatusChangedSchema,
      {
        procedureId: p.id,
        orderId: p.orderId,
        patientId: p.patientId,
        accessionNumber: p.accessionNumber,
        modality: p.modality ?? '',
        status: STATUS_TO_PROTO[status],
        changedAt: ts(at),
      },
      ctx,
    );
  }
}

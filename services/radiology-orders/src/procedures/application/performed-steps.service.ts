import type { RequestContext } from '@hosp/platform-runtime';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type MppsState, MppsRepository } from '../persistence/mpps.repository';
import { ProceduresRepository as repo } from '../persistence/procedures.repository';
import { ProceduresService } from './procedures.service';

/** A Modality Performed Procedure Step report as RIS takes it (pacs.mpps.v1 MppsReported). */
export interface MppsReport {
  mppsInstanceUid: string;
  status: MppsState;
  accessionNumber: string;
  scheduledStepId: string;
  requestedProcedureId: string;
  studyInstanceUid: string;
  modality: string;
  stationAeTitle: string;
  dicomPatientId: string;
  startedAt: Date | null;
  endedAt: Date | null;
  instanceCount: number;
  discontinuationReason: string;
  eventId: string;
  /** The event's payload (proto JSON), kept verbatim. */
  payload: unknown;
  /** When the gateway emitted it: the time of the change when the MPPS carries none. */
  at: Date;
}

/** A study the archive gateway stored (pacs.study.v1 StudyReceived). */
export interface ReceivedStudy {
  studyInstanceUid: string;
  accessionNumber: string;
  orderId: string;
  modalities: string[];
  seriesCount: number;
  instanceCount: number;
  receivedAt: Date;
}

/**
 * What the modality and the archive report about a procedure (IHE SWF.b, the DSS/OF receiving MPPS and the Image
 * Manager's news): MPPS IN PROGRESS / COMPLETED / DISCONTINUED and the study's arrival move the procedure forward
 * only, so that events arriving late, twice or crosswise (MPPS and studies travel on different topics) change
 * nothing. The study's arrival shows images were acquired, not that acquisition ended: it moves a scheduled
 * procedure to in progress; completion comes from MPPS COMPLETED (or, on modalities without MPPS, the final report
 * moves it straight to reported).
 */
@Injectable()
export class PerformedStepsService {
  private readonly log = new Logger(PerformedStepsService.name);

  constructor(private readonly procedures: ProceduresService) {}

  /**
   * Applies an MPPS report in the consumer's inbox transaction. Matched by Scheduled Procedure Step ID, then
   * Accession Number, then Requested Procedure ID (the Scheduled Step Attributes Sequence). Every report is kept
   * (ris_mpps), matched or not; the same state of the same step counts once.
   */
  async mppsIn(m: EntityManager, r: MppsReport, ctx?: Partial<RequestContext>): Promise<void> {
    const p = await repo.findLocked(m, {
      scheduledStepId: r.scheduledStepId,
      accessionNumber: r.accessionNumber,
      requestedProcedureId: r.requestedProcedureId,
    });
    const fresh = await MppsRepository.record(m, {
      mppsInstanceUid: r.mppsInstanceUid,
      status: r.status,
      procedureId: p?.id ?? null,
      effect: p ? 'no-change' : 'unmatched',
      accessionNumber: r.accessionNumber || null,
      scheduledStepId: r.scheduledStepId || null,
      requestedProcedureId: r.requestedProcedureId || null,
      studyInstanceUid: r.studyInstanceUid || null,
      modality: r.modality || null,
      stationAeTitle: r.stationAeTitle || null,
      dicomPatientId: r.dicomPatientId || null,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      instanceCount: r.instanceCount,
      discontinuationReason: r.discontinuationReason || null,
      eventId: r.eventId,
      payload: r.payload,
    });
    if (!fresh) return;
    if (!p) {
      this.log.warn(
        `MPPS ${r.mppsInstanceUid} (${r.status}) matches no procedure (step "${r.scheduledStepId}", accession "${r.accessionNumber}"): kept unmatched`,
      );
      return;
    }
    const at = (r.status === 'in-progress' ? r.startedAt : (r.endedAt ?? r.startedAt)) ?? r.at;
    const moved = await this.procedures.advanceIn(
      m,
      p,
      r.status,
      at,
      ctx,
      r.status === 'discontinued' ? r.discontinuationReason || 'discontinued at the modality' : null,
    );
    if (moved) await MppsRepository.setEffect(m, r.mppsInstanceUid, r.status, 'moved');
  }

  /**
   * StudyReceived: matched by the order the gateway reconciled it with, then the accession number, then the Study
   * Instance UID RIS assigned. The procedure notes the study (UID, series and instance counts) and a scheduled one
   * is in progress. A study of no procedure of RIS's (an outside study, one the gateway holds) is not RIS's
   * business: the gateway holds and reports it (StudyHeld).
   */
  async studyReceivedIn(m: EntityManager, s: ReceivedStudy, ctx?: Partial<RequestContext>): Promise<void> {
    const p = await repo.findLocked(m, {
      orderId: s.orderId,
      accessionNumber: s.accessionNumber,
      studyInstanceUid: s.studyInstanceUid,
    });
    if (!p) {
      this.log.debug(
        `study ${s.studyInstanceUid} (accession "${s.accessionNumber}") is no procedure of RIS's`,
      );
      return;
    }
    await repo.noteStudy(m, p.id, {
      uid: s.studyInstanceUid,
      seriesCount: s.seriesCount,
      instanceCount: s.instanceCount,
      modalities: s.modalities,
      at: s.receivedAt,
    });
    await this.procedures.advanceIn(m, p, 'in-progress', s.receivedAt, ctx);
  }

  /** StudyHeld: shown on the procedure its accession number (or assigned Study Instance UID) names, if any. */
  async studyHeldIn(
    m: EntityManager,
    h: { studyInstanceUid: string; accessionNumber: string; reasons: string[]; heldAt: Date },
  ): Promise<void> {
    const p = await repo.findLocked(m, {
      accessionNumber: h.accessionNumber,
      studyInstanceUid: h.studyInstanceUid,
    });
    if (!p) return;
    await repo.noteStudyHeld(m, p.id, { uid: h.studyInstanceUid || null, reasons: h.reasons, at: h.heldAt });
  }
}

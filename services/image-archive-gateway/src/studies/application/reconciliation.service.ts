import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { StudyHeldSchema, StudyReceivedSchema, Topics } from '@hosp/contracts';
import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  type RequestContext,
  ServiceEvents,
} from '@hosp/platform-runtime';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { WorklistService } from '../../worklist/application/worklist.service';
import type { WorklistRow } from '../../worklist/persistence/worklist.repository';
import { NO_PROCEDURE, type ProcedureCandidate, reconcile, type StudyFacts } from '../domain/reconciliation';
import {
  type ReconciliationState,
  StudiesRepository as repo,
  type StudyRow,
} from '../persistence/studies.repository';

type EventContext = Partial<Pick<RequestContext, 'correlationId' | 'traceparent'>>;

/**
 * Reconciles received studies with RIS's procedures by accession number and announces them on pacs.study.v1:
 * StudyReceived (with the order) when linked, StudyHeld with the reasons when not. A held study waits for a
 * person (POST /held-studies/{uid}/resolve) or, when its accession number was simply not scheduled yet, for RIS
 * to schedule it.
 */
@Injectable()
export class ReconciliationService {
  private readonly log = new Logger('Reconciliation');

  constructor(
    private readonly db: DataSource,
    private readonly events: ServiceEvents,
    private readonly worklist: WorklistService,
  ) {}

  /**
   * Announces a study whose instances stopped arriving (or whose association was released). A linked study is
   * announced again with its new counts; a held one again only when its reasons changed.
   */
  async announce(m: EntityManager, study: StudyRow, ctx: EventContext = {}): Promise<void> {
    if (study.reconciliation === 'reconciled' || study.reconciliation === 'resolved') {
      await this.received(
        m,
        study,
        { orderId: study.orderId ?? '', patientId: study.platformPatientId ?? '' },
        ctx,
      );
    } else {
      const decision = reconcile(facts(study), await this.candidates(m, study.accessionNumber));
      if (decision.kind === 'reconciled') await this.link(m, study, decision.procedure, 'reconciled', ctx);
      else if (study.reconciliation !== 'held' || !sameReasons(study.heldReasons, decision.reasons)) {
        await repo.held(m, study.studyInstanceUid, decision.reasons);
        await this.events.emit(
          m,
          Topics.PacsStudy,
          StudyHeldSchema,
          {
            studyInstanceUid: study.studyInstanceUid,
            accessionNumber: study.accessionNumber ?? '',
            patientId: study.patientId ?? '',
            reasons: decision.reasons,
            heldAt: timestampFromDate(new Date()),
          },
          ctx,
        );
        this.log.warn(
          { study: study.studyInstanceUid, reasons: decision.reasons },
          'study held for reconciliation',
        );
      }
    }
    await repo.announced(m, study.studyInstanceUid);
  }

  /** RIS scheduled an accession number: the studies held for want of it are reconciled again. */
  async retryHeld(m: EntityManager, accessionNumber: string, ctx: EventContext = {}): Promise<void> {
    for (const study of await repo.heldWithAccession(m, accessionNumber)) {
      if (!study.heldReasons.some((r) => r.startsWith(NO_PROCEDURE))) continue;
      const decision = reconcile(facts(study), await this.candidates(m, accessionNumber));
      if (decision.kind === 'reconciled') await this.link(m, study, decision.procedure, 'reconciled', ctx);
      else if (!sameReasons(study.heldReasons, decision.reasons)) {
        await repo.held(m, study.studyInstanceUid, decision.reasons);
        await this.events.emit(
          m,
          Topics.PacsStudy,
          StudyHeldSchema,
          {
            studyInstanceUid: study.studyInstanceUid,
            accessionNumber,
            patientId: study.patientId ?? '',
            reasons: decision.reasons,
            heldAt: timestampFromDate(new Date()),
          },
          ctx,
        );
      }
    }
  }

  /**
   * A person links a held study to a procedure, saying why (e.g. the modality typed the name without the
   * middle name). The objects are not changed; the link and the reason are recorded and StudyReceived goes out.
   */
  async resolve(studyUid: string, procedureId: string, reason: string, actor: string, ctx: EventContext) {
    return this.db.transaction(async (m) => {
      const study = await repo.get(m, studyUid, true);
      if (!study) throw new NotFoundError('Study', studyUid);
      if (study.reconciliation !== 'held')
        throw new ConflictError('STUDY_NOT_HELD', `study ${studyUid} is ${study.reconciliation}, not held`);
      const step = await this.worklist.get(m, procedureId);
      if (!step) throw InvalidRequestError.field('procedureId', `no procedure ${procedureId}`);
      await this.link(m, study, candidateOf(step), 'resolved', ctx, { by: actor, reason });
      this.log.log({ study: studyUid, procedureId, actor, reason }, 'held study resolved');
      return (await repo.get(m, studyUid)) ?? study;
    });
  }

  list(f: {
    reconciliation?: ReconciliationState;
    accessionNumber?: string;
    patientId?: string;
    limit?: number;
  }) {
    return repo.list(this.db.manager, { ...f, limit: f.limit ?? 100 });
  }

  async get(uid: string): Promise<StudyRow> {
    const s = await repo.get(this.db.manager, uid);
    if (!s) throw new NotFoundError('Study', uid);
    return s;
  }

  private async link(
    m: EntityManager,
    study: StudyRow,
    p: ProcedureCandidate,
    state: 'reconciled' | 'resolved',
    ctx: EventContext,
    resolution?: { by: string; reason: string },
  ): Promise<void> {
    await repo.linked(m, study.studyInstanceUid, state, p, resolution);
    await this.received(m, study, { orderId: p.orderId, patientId: p.patientId }, ctx);
  }

  private async received(
    m: EntityManager,
    study: StudyRow,
    link: { orderId: string; patientId: string },
    ctx: EventContext,
  ): Promise<void> {
    // Counts as they are now, inside this transaction (the row may have been read before the last instances).
    const now = (await repo.get(m, study.studyInstanceUid)) ?? study;
    await this.events.emit(
      m,
      Topics.PacsStudy,
      StudyReceivedSchema,
      {
        studyInstanceUid: study.studyInstanceUid,
        accessionNumber: study.accessionNumber ?? '',
        patientId: link.patientId || study.patientId || '',
        modalities: now.modalities,
        seriesCount: now.seriesCount,
        instanceCount: now.instanceCount,
        orderId: link.orderId,
        receivedAt: timestampFromDate(new Date()),
      },
      ctx,
    );
  }

  private async candidates(m: EntityManager, accession: string | null): Promise<ProcedureCandidate[]> {
    if (!accession) return [];
    return (await this.worklist.byAccession(m, accession)).map(candidateOf);
  }
}

function candidateOf(w: WorklistRow): ProcedureCandidate {
  return {
    procedureId: w.procedureId,
    orderId: w.orderId,
    patientId: w.patientId,
    patientCode: w.patientCode,
    patientName: w.patientName,
    birthDate: w.birthDate,
    sex: w.sex,
    status: w.status,
    studyInstanceUid: w.studyInstanceUid,
  };
}

function facts(s: StudyRow): StudyFacts {
  return {
    studyInstanceUid: s.studyInstanceUid,
    accessionNumber: s.accessionNumber,
    patientId: s.patientId,
    patientName: s.patientName,
    birthDate: s.patientBirthDate,
    sex: s.patientSex,
  };
}

function sameReasons(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

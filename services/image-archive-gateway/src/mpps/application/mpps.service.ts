import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { MppsReportedSchema, MppsStatus as MppsStatusCode, Topics } from '@hosp/contracts';
import { NotFoundError, ServiceEvents } from '@hosp/platform-runtime';
import {
  type AssociationInfo,
  type DicomJson,
  DimseStatus,
  type NResult,
  SopClass,
  str,
  Tag,
} from '@hosp/standards-dicom';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { WorklistService } from '../../worklist/application/worklist.service';
import type { WorklistStatus } from '../../worklist/domain/worklist-item';
import { applyNSet, isMppsStatus, type MppsKeys, mppsKeys, type MppsStatus } from '../domain/mpps';
import { MppsRepository as repo, type MppsRow } from '../persistence/mpps.repository';

const STATUS_CODE: Record<MppsStatus, MppsStatusCode> = {
  'IN PROGRESS': MppsStatusCode.IN_PROGRESS,
  COMPLETED: MppsStatusCode.COMPLETED,
  DISCONTINUED: MppsStatusCode.DISCONTINUED,
};

const WORKLIST_STATUS: Record<MppsStatus, WorklistStatus> = {
  'IN PROGRESS': 'in_progress',
  COMPLETED: 'completed',
  DISCONTINUED: 'discontinued',
};

/**
 * Modality Performed Procedure Step SCP (PS3.4 Annex F; IHE SWF RAD-6/RAD-7). Each N-CREATE and N-SET is
 * stored with its MppsReported event (pacs.mpps.v1) in one transaction, and answered only after the commit:
 * a success the modality sees is durable and will reach RIS. The worklist step it performs moves with it.
 */
@Injectable()
export class MppsService {
  private readonly log = new Logger('MppsService');

  constructor(
    private readonly db: DataSource,
    private readonly events: ServiceEvents,
    private readonly worklist: WorklistService,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  /** N-CREATE (PS3.4 F.7.2.1): a new step, which must be IN PROGRESS. */
  async create(info: AssociationInfo, sopClass: string, uid: string, ds: DicomJson): Promise<NResult> {
    if (sopClass !== SopClass.ModalityPerformedProcedureStep)
      return { status: DimseStatus.SopClassNotSupported };
    const status = str(ds, Tag.PerformedProcedureStepStatus);
    if (!status)
      return { status: DimseStatus.MissingAttribute, comment: 'Performed Procedure Step Status missing' };
    if (status !== 'IN PROGRESS')
      return {
        status: DimseStatus.InvalidAttributeValue,
        comment: `N-CREATE status must be IN PROGRESS, not ${status}`,
      };
    const attributes = { ...ds };
    delete attributes[Tag.SpecificCharacterSet];
    const keys = mppsKeys(attributes, this.settings.timezone);
    return this.db.transaction(async (m) => {
      const procedureId = await this.performs(m, keys);
      if (!(await repo.insert(m, uid, info.callingAeTitle, keys, procedureId, attributes)))
        return { status: DimseStatus.DuplicateSopInstance, comment: `MPPS ${uid} exists` };
      await this.report(m, uid, keys);
      this.log.log(
        { mpps: uid, accession: keys.accessionNumber, procedureId, caller: info.callingAeTitle },
        'MPPS in progress',
      );
      return { status: DimseStatus.Success };
    });
  }

  /**
   * N-SET (PS3.4 F.7.2.2): more attributes, and at the end COMPLETED or DISCONTINUED. A step that is already
   * final "may no longer be updated" (processing failure 0x0110).
   */
  async set(info: AssociationInfo, sopClass: string, uid: string, ds: DicomJson): Promise<NResult> {
    if (sopClass !== SopClass.ModalityPerformedProcedureStep)
      return { status: DimseStatus.SopClassNotSupported };
    const status = str(ds, Tag.PerformedProcedureStepStatus);
    if (ds[Tag.PerformedProcedureStepStatus] && !isMppsStatus(status))
      return {
        status: DimseStatus.InvalidAttributeValue,
        comment: `unknown Performed Procedure Step Status ${status}`,
      };
    return this.db.transaction(async (m) => {
      const current = await repo.get(m, uid, true);
      if (!current) return { status: DimseStatus.NoSuchObjectInstance, comment: `no MPPS ${uid}` };
      if (current.status !== 'IN PROGRESS')
        return {
          status: DimseStatus.ProcessingFailure,
          comment: `Performed Procedure Step Object may no longer be updated (${current.status})`,
        };
      const attributes = applyNSet(current.attributes, ds);
      const keys = mppsKeys(attributes, this.settings.timezone);
      const procedureId = await this.performs(m, keys, current.procedureId);
      await repo.update(m, uid, keys, procedureId, attributes);
      await this.report(m, uid, keys);
      this.log.log(
        { mpps: uid, status: keys.status, procedureId, caller: info.callingAeTitle },
        'MPPS updated',
      );
      return { status: DimseStatus.Success };
    });
  }

  async get(uid: string): Promise<MppsRow> {
    const row = await repo.get(this.db.manager, uid);
    if (!row) throw new NotFoundError('MPPS', uid);
    return row;
  }

  list(f: { accessionNumber?: string; status?: MppsStatus; limit?: number }) {
    return repo.list(this.db.manager, { ...f, limit: f.limit ?? 100 });
  }

  /**
   * The worklist step this MPPS performs (by accession number and scheduled step id), moved to the MPPS's state;
   * none for an unscheduled procedure (IHE SWF "unscheduled case": reconciled later, by the study).
   */
  private async performs(
    m: EntityManager,
    keys: MppsKeys,
    known: string | null = null,
  ): Promise<string | null> {
    if (!known && !keys.accessionNumber) return null;
    const steps = known
      ? [await this.worklist.get(m, known)].filter((s) => s !== undefined)
      : await this.worklist.byAccession(m, keys.accessionNumber ?? '');
    const step =
      steps.find((s) => s.procedureId === known) ??
      steps.find((s) => keys.scheduledStepId && s.scheduledStepId === keys.scheduledStepId) ??
      steps.find((s) => keys.requestedProcedureId && s.requestedProcedureId === keys.requestedProcedureId) ??
      (steps.length === 1 ? steps[0] : undefined);
    if (!step) return null;
    if (step.status !== 'cancelled')
      await this.worklist.setStatus(m, step.procedureId, WORKLIST_STATUS[keys.status]);
    return step.procedureId;
  }

  private async report(m: EntityManager, uid: string, k: MppsKeys): Promise<void> {
    await this.events.emit(m, Topics.PacsMpps, MppsReportedSchema, {
      mppsInstanceUid: uid,
      status: STATUS_CODE[k.status],
      accessionNumber: k.accessionNumber ?? '',
      scheduledStepId: k.scheduledStepId ?? '',
      requestedProcedureId: k.requestedProcedureId ?? '',
      studyInstanceUid: k.studyInstanceUid ?? '',
      modality: k.modality ?? '',
      stationAeTitle: k.stationAeTitle ?? '',
      patientId: k.patientId ?? '',
      startedAt: k.startedAt ? timestampFromDate(k.startedAt) : undefined,
      endedAt: k.endedAt ? timestampFromDate(k.endedAt) : undefined,
      instanceCount: k.instanceCount,
      discontinuationReason: k.discontinuationReason ?? '',
    });
  }
}

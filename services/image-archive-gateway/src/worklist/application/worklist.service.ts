import {
  DimseStatus,
  type DicomJson,
  type FindResult,
  items,
  matches,
  responseFor,
  str,
  strs,
  Tag,
} from '@hosp/standards-dicom';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import type { WorklistItem, WorklistStatus } from '../domain/worklist-item';
import { dicomDateTime } from '../../shared/dicom-time';
import { worklistAttributes } from '../domain/worklist-to-dicom.mapper';
import {
  type WorklistPrefilter,
  WorklistRepository as repo,
  type WorklistRow,
} from '../persistence/worklist.repository';

/** More candidates than this for one C-FIND is a query to narrow, not a worklist to scroll. */
const MAX_CANDIDATES = 2_000;

/**
 * The Modality Worklist (IHE SWF RAD-5): RIS's scheduled steps as the archive serves them to modalities, and
 * the state MPPS moves them through.
 */
@Injectable()
export class WorklistService {
  constructor(
    private readonly db: DataSource,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  async schedule(m: EntityManager, item: Omit<WorklistItem, 'status'>): Promise<void> {
    const at = item.scheduledStart ? dicomDateTime(item.scheduledStart, this.settings.timezone) : undefined;
    await repo.upsert(m, { ...item, status: 'scheduled' }, at?.date ?? null, at?.time ?? null, (status) =>
      worklistAttributes({ ...item, status }, this.settings.timezone),
    );
  }

  /** RIS withdrew the step: it leaves the worklist (kept, cancelled, for reconciliation). */
  async cancel(m: EntityManager, procedureId: string, reason: string): Promise<void> {
    await this.setStatus(m, procedureId, 'cancelled', reason || null);
  }

  async setStatus(
    m: EntityManager,
    procedureId: string,
    status: WorklistStatus,
    cancelReason: string | null = null,
  ) {
    const current = await repo.get(m, procedureId, true);
    if (!current) return;
    await repo.setStatus(
      m,
      procedureId,
      status,
      worklistAttributes({ ...current, status }, this.settings.timezone),
      cancelReason,
    );
  }

  byAccession(m: EntityManager, accessionNumber: string): Promise<WorklistRow[]> {
    return repo.byAccession(m, accessionNumber);
  }

  get(m: EntityManager, procedureId: string): Promise<WorklistRow | undefined> {
    return repo.get(m, procedureId);
  }

  list(f: { status?: WorklistStatus; accessionNumber?: string; limit?: number }) {
    return repo.list(this.db.manager, { ...f, limit: f.limit ?? 200 });
  }

  /**
   * Modality Worklist C-FIND (PS3.4 K.4.1.3.1): the open steps whose attributes match the identifier, each
   * answered with the identifier's keys. Equality and date-range keys narrow the search in SQL first.
   */
  async find(identifier: DicomJson): Promise<FindResult> {
    const candidates = await repo.open(this.db.manager, prefilter(identifier));
    const found = candidates
      .filter((c) => matches(identifier, c.attributes))
      .map((c) => responseFor(identifier, c.attributes));
    return { status: DimseStatus.Success, matches: found };
  }
}

function exact(v: string | undefined): string | undefined {
  return v && !/[*?\\]/.test(v) ? v : undefined;
}

function prefilter(identifier: DicomJson): WorklistPrefilter {
  const sps = items(identifier, Tag.ScheduledProcedureStepSequence)[0];
  const modalities = strs(sps, Tag.Modality);
  const date = str(sps, Tag.ScheduledProcedureStepStartDate)?.replace(/[^0-9-]/g, '');
  let dateFrom: string | undefined;
  let dateTo: string | undefined;
  if (date?.includes('-')) [dateFrom, dateTo] = date.split('-').map((d) => d || undefined);
  else if (date) dateFrom = dateTo = date;
  return {
    modality: modalities.length === 1 ? exact(modalities[0]) : undefined,
    stationAeTitle: exact(str(sps, Tag.ScheduledStationAETitle)),
    dateFrom,
    dateTo,
    accessionNumber: exact(str(identifier, Tag.AccessionNumber)),
    patientCode: exact(str(identifier, Tag.PatientID)),
    limit: MAX_CANDIDATES,
  };
}

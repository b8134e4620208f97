import {
  attr,
  type DicomJson,
  DimseStatus,
  type FindResult,
  matches,
  responseFor,
  SopClass,
  str,
  strs,
  Tag,
} from '@hosp/standards-dicom';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { PATIENT_LEVEL, pick } from '../../storage/domain/levels';
import { type QueryFilter, QueryRepository as repo } from '../persistence/query.repository';

export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';
export const QUERY_LEVELS: readonly QueryLevel[] = ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'];

/** A query narrower than this many candidates per level is answered whole; a wider one is truncated. */
const MAX_CANDIDATES = 5_000;

/**
 * Query (PS3.4 C.6, Patient Root and Study Root; QIDO-RS, PS3.18 §10.6): the index answers at each level with
 * the stored attributes and the computed ones (Modalities in Study, numbers of related series and instances).
 * Equality, list and date range keys narrow the search in SQL; every key is then matched as PS3.4 C.2.2.2 says.
 */
@Injectable()
export class QueryService {
  constructor(
    private readonly db: DataSource,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  /** The candidates at `level` that match `identifier`, with all their attributes. */
  async search(level: QueryLevel, identifier: DicomJson, page: { limit?: number; offset?: number } = {}) {
    const found = (await this.candidates(level, filterOf(identifier))).filter((c) => matches(identifier, c));
    const offset = page.offset ?? 0;
    return found.slice(offset, page.limit === undefined ? undefined : offset + page.limit);
  }

  /** C-FIND SCP for the Patient Root and Study Root information models. */
  async find(sopClass: string, identifier: DicomJson): Promise<FindResult> {
    const level = str(identifier, Tag.QueryRetrieveLevel) as QueryLevel | undefined;
    if (!level || !QUERY_LEVELS.includes(level))
      return {
        status: DimseStatus.IdentifierDoesNotMatchSopClass,
        comment: `Query/Retrieve Level ${level ?? 'missing'}`,
      };
    if (level === 'PATIENT' && sopClass === SopClass.StudyRootFind)
      return {
        status: DimseStatus.IdentifierDoesNotMatchSopClass,
        comment: 'no PATIENT level in the Study Root model',
      };
    const found = await this.search(level, identifier);
    return {
      status: DimseStatus.Success,
      matches: found.map((c) => ({
        ...responseFor(identifier, c),
        [Tag.QueryRetrieveLevel]: attr('CS', level),
        ...(identifier[Tag.RetrieveAETitle]
          ? { [Tag.RetrieveAETitle]: attr('AE', this.settings.aeTitle) }
          : {}),
      })),
    };
  }

  private async candidates(level: QueryLevel, f: QueryFilter): Promise<DicomJson[]> {
    const m = this.db.manager;
    switch (level) {
      case 'PATIENT':
        return (await repo.patients(m, f)).map((p) => ({
          ...pick(p.attributes, PATIENT_LEVEL),
          [Tag.NumberOfPatientRelatedStudies]: attr('IS', p.studyCount),
          [Tag.NumberOfPatientRelatedSeries]: attr('IS', p.seriesCount),
          [Tag.NumberOfPatientRelatedInstances]: attr('IS', p.instanceCount),
        }));
      case 'STUDY':
        return (await repo.studies(m, f)).map((s) => ({
          ...s.attributes,
          [Tag.StudyInstanceUID]: attr('UI', s.studyInstanceUid),
          [Tag.ModalitiesInStudy]: attr('CS', ...s.modalities),
          [Tag.SOPClassesInStudy]: attr('UI', ...s.sopClasses),
          [Tag.NumberOfStudyRelatedSeries]: attr('IS', s.seriesCount),
          [Tag.NumberOfStudyRelatedInstances]: attr('IS', s.instanceCount),
          [Tag.InstanceAvailability]: attr('CS', 'ONLINE'),
        }));
      case 'SERIES':
        return (await repo.series(m, f)).map((s) => ({
          ...s.studyAttributes,
          ...s.attributes,
          [Tag.StudyInstanceUID]: attr('UI', s.studyInstanceUid),
          [Tag.SeriesInstanceUID]: attr('UI', s.seriesInstanceUid),
          [Tag.NumberOfSeriesRelatedInstances]: attr('IS', s.instanceCount),
          [Tag.InstanceAvailability]: attr('CS', 'ONLINE'),
        }));
      case 'IMAGE':
        return (await repo.instances(m, f)).map((i) => ({
          ...i.header,
          [Tag.InstanceAvailability]: attr('CS', 'ONLINE'),
        }));
    }
  }
}

const exact = (v: string | undefined) => (v && !/[*?\\]/.test(v) ? v : undefined);

/** The keys of an identifier that narrow the search in SQL (the rest is matched on the candidates). */
export function filterOf(identifier: DicomJson): QueryFilter {
  const date = str(identifier, Tag.StudyDate)?.replace(/[^0-9-]/g, '');
  let studyDateFrom: string | undefined;
  let studyDateTo: string | undefined;
  if (date?.includes('-')) [studyDateFrom, studyDateTo] = date.split('-').map((d) => d || undefined);
  else if (date) studyDateFrom = studyDateTo = date;
  const list = (tag: string) => {
    const v = strs(identifier, tag);
    return v.length ? v : undefined;
  };
  const modalities = strs(identifier, Tag.Modality);
  return {
    patientId: exact(str(identifier, Tag.PatientID)),
    studyUids: list(Tag.StudyInstanceUID),
    seriesUids: list(Tag.SeriesInstanceUID),
    sopInstanceUids: list(Tag.SOPInstanceUID),
    accessionNumber: exact(str(identifier, Tag.AccessionNumber)),
    studyDateFrom,
    studyDateTo,
    modality: modalities.length === 1 ? exact(modalities[0]) : undefined,
    limit: MAX_CANDIDATES,
  };
}

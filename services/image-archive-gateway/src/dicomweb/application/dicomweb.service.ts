import { readFile } from 'node:fs/promises';
import { NotFoundError } from '@hosp/platform-runtime';
import {
  attr,
  type DicomJson,
  DimseStatus,
  identifierFromQuery,
  type Part,
  parseMultipart,
  responseFor,
  seq,
  str,
  Tag,
} from '@hosp/standards-dicom';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueryService, type QueryLevel } from '../../query/application/query.service';
import { StorageService } from '../../storage/application/storage.service';
import { InstancesRepository } from '../../storage/persistence/instances.repository';
import { ObjectStore } from '../../storage/persistence/object-store';

/** Attributes QIDO-RS returns by default at each level (PS3.18 Tables 10.6.3-3 to 10.6.3-5). */
const DEFAULTS: Record<'STUDY' | 'SERIES' | 'IMAGE', Array<[string, string]>> = {
  STUDY: [
    [Tag.SpecificCharacterSet, 'CS'],
    [Tag.StudyDate, 'DA'],
    [Tag.StudyTime, 'TM'],
    [Tag.AccessionNumber, 'SH'],
    [Tag.InstanceAvailability, 'CS'],
    [Tag.ModalitiesInStudy, 'CS'],
    [Tag.ReferringPhysicianName, 'PN'],
    [Tag.TimezoneOffsetFromUTC, 'SH'],
    [Tag.PatientName, 'PN'],
    [Tag.PatientID, 'LO'],
    [Tag.PatientBirthDate, 'DA'],
    [Tag.PatientSex, 'CS'],
    [Tag.StudyInstanceUID, 'UI'],
    [Tag.StudyID, 'SH'],
    [Tag.StudyDescription, 'LO'],
    [Tag.NumberOfStudyRelatedSeries, 'IS'],
    [Tag.NumberOfStudyRelatedInstances, 'IS'],
  ],
  SERIES: [
    [Tag.SpecificCharacterSet, 'CS'],
    [Tag.Modality, 'CS'],
    [Tag.TimezoneOffsetFromUTC, 'SH'],
    [Tag.SeriesDescription, 'LO'],
    [Tag.StudyInstanceUID, 'UI'],
    [Tag.SeriesInstanceUID, 'UI'],
    [Tag.SeriesNumber, 'IS'],
    [Tag.NumberOfSeriesRelatedInstances, 'IS'],
    [Tag.PerformedProcedureStepStartDate, 'DA'],
    [Tag.PerformedProcedureStepStartTime, 'TM'],
    ['00400275', 'SQ'],
  ],
  IMAGE: [
    [Tag.SpecificCharacterSet, 'CS'],
    [Tag.SOPClassUID, 'UI'],
    [Tag.SOPInstanceUID, 'UI'],
    [Tag.InstanceAvailability, 'CS'],
    [Tag.TimezoneOffsetFromUTC, 'SH'],
    [Tag.StudyInstanceUID, 'UI'],
    [Tag.SeriesInstanceUID, 'UI'],
    [Tag.InstanceNumber, 'IS'],
    [Tag.Rows, 'US'],
    [Tag.Columns, 'US'],
    ['00280100', 'US'],
    [Tag.NumberOfFrames, 'IS'],
  ],
};

export interface StowResult {
  status: 200 | 202 | 409;
  body: DicomJson;
}

/**
 * DICOMweb (PS3.18): QIDO-RS search over the same index and matching as C-FIND, WADO-RS retrieval of the stored
 * Part 10 files as they are (multipart/related) and of their headers (DICOM JSON), STOW-RS storage through the
 * same store-then-acknowledge path as C-STORE.
 */
@Injectable()
export class DicomWebService {
  constructor(
    private readonly db: DataSource,
    private readonly query: QueryService,
    private readonly storage: StorageService,
    private readonly store: ObjectStore,
  ) {}

  async search(
    level: 'STUDY' | 'SERIES' | 'IMAGE',
    scope: { study?: string; series?: string },
    params: Record<string, string | string[] | undefined>,
    baseUrl: string,
  ): Promise<DicomJson[]> {
    const { identifier, includeAll } = identifierFromQuery(params);
    if (scope.study) identifier[Tag.StudyInstanceUID] = attr('UI', scope.study);
    if (scope.series) identifier[Tag.SeriesInstanceUID] = attr('UI', scope.series);
    const wanted: DicomJson = Object.fromEntries(DEFAULTS[level].map(([t, vr]) => [t, { vr }]));
    const limit = Math.min(Number(params['limit'] ?? 1000) || 1000, 10_000);
    const offset = Number(params['offset'] ?? 0) || 0;
    const found = await this.query.search(level as QueryLevel, identifier, { limit, offset });
    return found.map((c) => {
      const out = includeAll ? { ...c } : responseFor({ ...wanted, ...identifier }, c);
      out[Tag.RetrieveURL] = attr('UR', retrieveUrl(baseUrl, c, level));
      return out;
    });
  }

  /** The stored instances of a study, series or instance, in order; NotFound when there are none. */
  async instances(scope: { study: string; series?: string; instance?: string }, withHeader = false) {
    const rows = await InstancesRepository.select(
      this.db.manager,
      { studyUid: scope.study, seriesUid: scope.series, sopInstanceUid: scope.instance },
      withHeader,
    );
    if (rows.length === 0)
      throw new NotFoundError(
        scope.instance ? 'Instance' : scope.series ? 'Series' : 'Study',
        scope.instance ?? scope.series ?? scope.study,
      );
    return rows;
  }

  /** WADO-RS retrieve: each stored file, byte for byte, as one application/dicom part. */
  async *files(rows: Array<{ sha256: string; transferSyntaxUid: string }>): AsyncGenerator<Part> {
    for (const r of rows)
      yield {
        headers: { 'Content-Type': `application/dicom; transfer-syntax=${r.transferSyntaxUid}` },
        body: await readFile(this.store.pathOf(r.sha256)),
      };
  }

  /**
   * STOW-RS (PS3.18 §10.5): every application/dicom part is stored as C-STORE stores; the answer lists what was
   * stored (Referenced SOP Sequence) and what was not, with the C-STORE failure code (Failed SOP Sequence).
   */
  async stow(
    body: Buffer,
    contentType: string,
    client: string,
    study: string | undefined,
    baseUrl: string,
  ): Promise<StowResult> {
    const parts = parseMultipart(body, contentType);
    const referenced: DicomJson[] = [];
    const failed: DicomJson[] = [];
    const studies = new Set<string>();
    for (const part of parts) {
      const type = (part.headers['content-type'] ?? 'application/dicom').toLowerCase();
      const r =
        type.startsWith('application/dicom') && !type.startsWith('application/dicom+')
          ? await this.storage.storeFile(client, part.body, study)
          : { status: DimseStatus.SopClassNotSupported, comment: `part of type ${type}` };
      const ref = {
        [Tag.ReferencedSOPClassUID]: attr('UI', r.sopClassUid),
        [Tag.ReferencedSOPInstanceUID]: attr('UI', r.sopInstanceUid),
      };
      if (r.status === DimseStatus.Success && r.studyInstanceUid) {
        studies.add(r.studyInstanceUid);
        referenced.push({
          ...ref,
          [Tag.RetrieveURL]: attr(
            'UR',
            `${baseUrl}/studies/${r.studyInstanceUid}/series/${r.seriesInstanceUid}/instances/${r.sopInstanceUid}`,
          ),
        });
      } else failed.push({ ...ref, [Tag.FailureReason]: attr('US', r.status) });
    }
    await this.storage.announceNow([...studies]);
    const out: DicomJson = {};
    if (study) out[Tag.RetrieveURL] = attr('UR', `${baseUrl}/studies/${study}`);
    else if (studies.size === 1) out[Tag.RetrieveURL] = attr('UR', `${baseUrl}/studies/${[...studies][0]}`);
    if (referenced.length) out[Tag.ReferencedSOPSequence] = seq(...referenced);
    if (failed.length) out[Tag.FailedSOPSequence] = seq(...failed);
    return { status: failed.length === 0 ? 200 : referenced.length === 0 ? 409 : 202, body: out };
  }
}

function retrieveUrl(base: string, c: DicomJson, level: 'STUDY' | 'SERIES' | 'IMAGE'): string {
  const study = str(c, Tag.StudyInstanceUID);
  if (level === 'STUDY') return `${base}/studies/${study}`;
  const series = str(c, Tag.SeriesInstanceUID);
  if (level === 'SERIES') return `${base}/studies/${study}/series/${series}`;
  return `${base}/studies/${study}/series/${series}/instances/${str(c, Tag.SOPInstanceUID)}`;
}

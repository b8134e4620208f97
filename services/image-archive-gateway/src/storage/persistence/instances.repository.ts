import type { DicomJson } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';

export interface InstanceRow {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  transferSyntaxUid: string;
  sha256: string;
  sizeBytes: string;
  numberOfFrames: number | null;
  source: 'dimse' | 'stow';
  callingAe: string | null;
  receivedAt: Date;
  version: number;
  header?: DicomJson;
}

const COLUMNS = `sop_instance_uid AS "sopInstanceUid", series_instance_uid AS "seriesInstanceUid",
  study_instance_uid AS "studyInstanceUid", sop_class_uid AS "sopClassUid", instance_number AS "instanceNumber",
  transfer_syntax_uid AS "transferSyntaxUid", sha256, size_bytes AS "sizeBytes", number_of_frames AS "numberOfFrames",
  source, calling_ae AS "callingAe", received_at AS "receivedAt", version`;

export const InstancesRepository = {
  async get(m: EntityManager, uid: string, withHeader = false): Promise<InstanceRow | undefined> {
    const rows: InstanceRow[] = await m.query(
      `SELECT ${COLUMNS}${withHeader ? ', header' : ''} FROM dcm_instance WHERE sop_instance_uid = $1`,
      [uid],
    );
    return rows[0];
  },

  /** Instances of a study (and series, and instance), in series and instance order. */
  select(
    m: EntityManager,
    f: {
      studyUid?: string;
      seriesUid?: string;
      sopInstanceUid?: string;
      studyUids?: string[];
      limit?: number;
    },
    withHeader = false,
  ): Promise<InstanceRow[]> {
    return m.query(
      `SELECT ${COLUMNS}${withHeader ? ', header' : ''} FROM dcm_instance
       WHERE ($1::text IS NULL OR study_instance_uid = $1) AND ($2::text IS NULL OR series_instance_uid = $2)
         AND ($3::text IS NULL OR sop_instance_uid = $3) AND ($4::text[] IS NULL OR study_instance_uid = ANY($4))
       ORDER BY study_instance_uid, series_instance_uid, instance_number NULLS LAST, sop_instance_uid
       LIMIT $5`,
      [
        f.studyUid ?? null,
        f.seriesUid ?? null,
        f.sopInstanceUid ?? null,
        f.studyUids ?? null,
        f.limit ?? 100_000,
      ],
    );
  },
};

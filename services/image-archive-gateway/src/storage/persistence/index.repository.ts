import { type DicomJson, int, str, Tag } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';

export interface IndexedInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  sha256: string;
  size: number;
  header: DicomJson;
  studyAttributes: DicomJson;
  seriesAttributes: DicomJson;
  source: 'dimse' | 'stow';
  callingAe: string | null;
  associationId: string | null;
}

export type IndexOutcome = 'new' | 'replaced' | 'unchanged';

/** The index of stored objects: study, series and instance rows, written in the caller's transaction. */
export const IndexRepository = {
  /**
   * Indexes one stored instance. `announceAt` is when its study should be announced (the quiet period). An
   * instance sent again with the same bytes changes nothing; with other bytes it replaces the index entry.
   */
  async index(m: EntityManager, i: IndexedInstance, announceAt: Date): Promise<IndexOutcome> {
    const prior: Array<{ sha256: string }> = await m.query(
      `SELECT sha256 FROM dcm_instance WHERE sop_instance_uid = $1 FOR UPDATE`,
      [i.sopInstanceUid],
    );
    if (prior[0]?.sha256 === i.sha256) return 'unchanged';
    const h = i.header;
    await m.query(
      `INSERT INTO dcm_study (study_instance_uid, patient_id, patient_name, patient_birth_date, patient_sex,
         accession_number, study_date, study_time, study_description, attributes, announce_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (study_instance_uid) DO UPDATE SET patient_id = EXCLUDED.patient_id,
         patient_name = EXCLUDED.patient_name, patient_birth_date = EXCLUDED.patient_birth_date,
         patient_sex = EXCLUDED.patient_sex, accession_number = EXCLUDED.accession_number,
         study_date = EXCLUDED.study_date, study_time = EXCLUDED.study_time,
         study_description = EXCLUDED.study_description, attributes = dcm_study.attributes || EXCLUDED.attributes,
         announce_at = EXCLUDED.announce_at, updated_at = now()`,
      [
        i.studyInstanceUid,
        str(h, Tag.PatientID) ?? null,
        str(h, Tag.PatientName) ?? null,
        str(h, Tag.PatientBirthDate) ?? null,
        str(h, Tag.PatientSex) ?? null,
        str(h, Tag.AccessionNumber) ?? null,
        str(h, Tag.StudyDate) ?? null,
        str(h, Tag.StudyTime) ?? null,
        str(h, Tag.StudyDescription) ?? null,
        JSON.stringify(i.studyAttributes),
        announceAt,
      ],
    );
    await m.query(
      `INSERT INTO dcm_series (series_instance_uid, study_instance_uid, modality, series_number, series_description,
         attributes)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (series_instance_uid) DO UPDATE SET study_instance_uid = EXCLUDED.study_instance_uid,
         modality = EXCLUDED.modality, series_number = EXCLUDED.series_number,
         series_description = EXCLUDED.series_description, attributes = dcm_series.attributes || EXCLUDED.attributes,
         updated_at = now()`,
      [
        i.seriesInstanceUid,
        i.studyInstanceUid,
        str(h, Tag.Modality) ?? null,
        int(h, Tag.SeriesNumber) ?? null,
        str(h, Tag.SeriesDescription) ?? null,
        JSON.stringify(i.seriesAttributes),
      ],
    );
    await m.query(
      `INSERT INTO dcm_instance (sop_instance_uid, series_instance_uid, study_instance_uid, sop_class_uid,
         instance_number, transfer_syntax_uid, sha256, size_bytes, number_of_frames, header, source, calling_ae,
         association_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (sop_instance_uid) DO UPDATE SET series_instance_uid = EXCLUDED.series_instance_uid,
         study_instance_uid = EXCLUDED.study_instance_uid, sop_class_uid = EXCLUDED.sop_class_uid,
         instance_number = EXCLUDED.instance_number, transfer_syntax_uid = EXCLUDED.transfer_syntax_uid,
         sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes, number_of_frames = EXCLUDED.number_of_frames,
         header = EXCLUDED.header, source = EXCLUDED.source, calling_ae = EXCLUDED.calling_ae,
         association_id = EXCLUDED.association_id, received_at = now(), version = dcm_instance.version + 1`,
      [
        i.sopInstanceUid,
        i.seriesInstanceUid,
        i.studyInstanceUid,
        i.sopClassUid,
        int(h, Tag.InstanceNumber) ?? null,
        i.transferSyntaxUid,
        i.sha256,
        i.size,
        int(h, Tag.NumberOfFrames) ?? null,
        JSON.stringify(h),
        i.source,
        i.callingAe,
        i.associationId,
      ],
    );
    return prior.length ? 'replaced' : 'new';
  },

  /** The association that sent these studies was released: announce them now rather than after the quiet period. */
  async announceNow(m: EntityManager, studyUids: string[]): Promise<void> {
    if (studyUids.length === 0) return;
    await m.query(
      `UPDATE dcm_study SET announce_at = now() WHERE study_instance_uid = ANY($1) AND announce_at > now()`,
      [studyUids],
    );
  },
};

import type { DicomJson } from '@hosp/standards-dicom';
import type { EntityManager } from 'typeorm';

/** Equality, list and range keys that narrow a query in SQL before attribute matching (PS3.4 C.2.2.2). */
export interface QueryFilter {
  patientId?: string;
  studyUids?: string[];
  seriesUids?: string[];
  sopInstanceUids?: string[];
  accessionNumber?: string;
  studyDateFrom?: string;
  studyDateTo?: string;
  modality?: string;
  limit: number;
  offset?: number;
}

export interface StudyCandidate {
  studyInstanceUid: string;
  patientId: string | null;
  attributes: DicomJson;
  modalities: string[];
  sopClasses: string[];
  seriesCount: number;
  instanceCount: number;
  updatedAt: Date;
}

export interface SeriesCandidate {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  attributes: DicomJson;
  studyAttributes: DicomJson;
  instanceCount: number;
}

export interface InstanceCandidate {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  sha256: string;
  header: DicomJson;
}

function where(f: QueryFilter, alias: { study: string; series?: string; instance?: string }) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (f.patientId) add(`${alias.study}.patient_id = ?`, f.patientId);
  if (f.studyUids?.length) add(`${alias.study}.study_instance_uid = ANY(?)`, f.studyUids);
  if (f.accessionNumber) add(`${alias.study}.accession_number = ?`, f.accessionNumber);
  if (f.studyDateFrom) add(`${alias.study}.study_date >= ?`, f.studyDateFrom);
  if (f.studyDateTo) add(`${alias.study}.study_date <= ?`, f.studyDateTo);
  if (f.seriesUids?.length && alias.series) add(`${alias.series}.series_instance_uid = ANY(?)`, f.seriesUids);
  if (f.modality && alias.series) add(`${alias.series}.modality = ?`, f.modality);
  if (f.sopInstanceUids?.length && alias.instance)
    add(`${alias.instance}.sop_instance_uid = ANY(?)`, f.sopInstanceUids);
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

export interface PatientCandidate {
  patientId: string;
  /** Patient-level attributes of the patient's latest study. */
  attributes: DicomJson;
  studyCount: number;
  seriesCount: number;
  instanceCount: number;
}

/** Candidates of each Query/Retrieve level (PS3.4 C.6), for C-FIND and QIDO-RS. */
export const QueryRepository = {
  patients(m: EntityManager, f: QueryFilter): Promise<PatientCandidate[]> {
    const w = where(f, { study: 's' });
    return m.query(
      `SELECT s.patient_id AS "patientId", (array_agg(s.attributes ORDER BY s.updated_at DESC))[1] AS attributes,
         count(*)::int AS "studyCount",
         sum((SELECT count(*) FROM dcm_series se WHERE se.study_instance_uid = s.study_instance_uid))::int AS "seriesCount",
         sum((SELECT count(*) FROM dcm_instance i WHERE i.study_instance_uid = s.study_instance_uid))::int
           AS "instanceCount"
       FROM dcm_study s ${w.sql ? `${w.sql} AND` : 'WHERE'} s.patient_id IS NOT NULL
       GROUP BY s.patient_id ORDER BY s.patient_id LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset ?? 0)}`,
      w.params,
    );
  },

  studies(m: EntityManager, f: QueryFilter): Promise<StudyCandidate[]> {
    const w = where(f, { study: 's' });
    return m.query(
      `SELECT s.study_instance_uid AS "studyInstanceUid", s.patient_id AS "patientId", s.attributes,
         s.updated_at AS "updatedAt",
         COALESCE((SELECT array_agg(DISTINCT se.modality ORDER BY se.modality) FROM dcm_series se
                   WHERE se.study_instance_uid = s.study_instance_uid AND se.modality IS NOT NULL), '{}') AS modalities,
         COALESCE((SELECT array_agg(DISTINCT i.sop_class_uid ORDER BY i.sop_class_uid) FROM dcm_instance i
                   WHERE i.study_instance_uid = s.study_instance_uid), '{}') AS "sopClasses",
         (SELECT count(*)::int FROM dcm_series se WHERE se.study_instance_uid = s.study_instance_uid) AS "seriesCount",
         (SELECT count(*)::int FROM dcm_instance i WHERE i.study_instance_uid = s.study_instance_uid) AS "instanceCount"
       FROM dcm_study s ${w.sql}
       ORDER BY s.study_date DESC NULLS LAST, s.study_time DESC NULLS LAST, s.study_instance_uid
       LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset ?? 0)}`,
      w.params,
    );
  },

  series(m: EntityManager, f: QueryFilter): Promise<SeriesCandidate[]> {
    const w = where(f, { study: 's', series: 'se' });
    return m.query(
      `SELECT se.series_instance_uid AS "seriesInstanceUid", se.study_instance_uid AS "studyInstanceUid",
         se.attributes, s.attributes AS "studyAttributes",
         (SELECT count(*)::int FROM dcm_instance i WHERE i.series_instance_uid = se.series_instance_uid) AS "instanceCount"
       FROM dcm_series se JOIN dcm_study s ON s.study_instance_uid = se.study_instance_uid ${w.sql}
       ORDER BY se.study_instance_uid, se.series_number NULLS LAST, se.series_instance_uid
       LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset ?? 0)}`,
      w.params,
    );
  },

  instances(m: EntityManager, f: QueryFilter, withHeader = true): Promise<InstanceCandidate[]> {
    const w = where(f, { study: 's', series: 'se', instance: 'i' });
    return m.query(
      `SELECT i.sop_instance_uid AS "sopInstanceUid", i.series_instance_uid AS "seriesInstanceUid",
         i.study_instance_uid AS "studyInstanceUid", i.sop_class_uid AS "sopClassUid",
         i.transfer_syntax_uid AS "transferSyntaxUid", i.sha256${withHeader ? ', i.header' : ''}
       FROM dcm_instance i JOIN dcm_series se ON se.series_instance_uid = i.series_instance_uid
         JOIN dcm_study s ON s.study_instance_uid = i.study_instance_uid ${w.sql}
       ORDER BY i.study_instance_uid, se.series_number NULLS LAST, i.series_instance_uid,
         i.instance_number NULLS LAST, i.sop_instance_uid
       LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset ?? 0)}`,
      w.params,
    );
  },
};

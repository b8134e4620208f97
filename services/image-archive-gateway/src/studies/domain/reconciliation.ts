import { normalizePersonName } from '@hosp/standards-dicom';
import { toPersonName } from '../../worklist/domain/worklist-to-dicom.mapper';
import type { WorklistStatus } from '../../worklist/domain/worklist-item';

/** What the images say about the patient and the order (from the study's latest instance). */
export interface StudyFacts {
  studyInstanceUid: string;
  accessionNumber: string | null;
  patientId: string | null;
  patientName: string | null;
  /** DA, "YYYYMMDD". */
  birthDate: string | null;
  sex: string | null;
}

/** A scheduled procedure the study might belong to (the worklist projection of RIS's steps). */
export interface ProcedureCandidate {
  procedureId: string;
  orderId: string;
  patientId: string;
  patientCode: string;
  patientName: string;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  birthDate: string | null;
  sex: string | null;
  status: WorklistStatus;
  studyInstanceUid: string | null;
}

export type Reconciliation =
  | { kind: 'reconciled'; procedure: ProcedureCandidate }
  | { kind: 'held'; reasons: string[]; procedure?: ProcedureCandidate };

/** Held because nothing was scheduled with the accession number: retried when RIS schedules it. */
export const NO_PROCEDURE = 'no scheduled procedure with accession';

/**
 * Study-to-order reconciliation (IHE SWF: the Image Manager links images to the requested procedure by
 * Accession Number). A study is linked only when a procedure has its accession number and the demographics
 * agree: Patient ID equal to the patient's code, and name, birth date and sex not contradicting what HIS
 * registered. Names are compared without case, diacritics or separators ("NGUYEN^VAN AN" is "Nguyễn Văn An"):
 * modalities often cannot type Vietnamese. Anything else is held, with every reason, for a person to decide;
 * never linked silently.
 */
export function reconcile(study: StudyFacts, candidates: ProcedureCandidate[]): Reconciliation {
  const accession = study.accessionNumber?.trim();
  if (!accession) return { kind: 'held', reasons: ['no Accession Number (0008,0050) in the study'] };
  if (candidates.length === 0) return { kind: 'held', reasons: [`${NO_PROCEDURE} ${accession}`] };
  const procedure =
    candidates.find((c) => c.studyInstanceUid === study.studyInstanceUid && c.status !== 'cancelled') ??
    candidates.find((c) => c.status !== 'cancelled') ??
    candidates[0];
  const reasons: string[] = [];
  if (procedure.status === 'cancelled')
    reasons.push(`procedure ${procedure.procedureId} with accession ${accession} was cancelled`);
  reasons.push(...disagreements(study, procedure));
  return reasons.length ? { kind: 'held', reasons, procedure } : { kind: 'reconciled', procedure };
}

export function disagreements(study: StudyFacts, p: ProcedureCandidate): string[] {
  const out: string[] = [];
  if (study.patientId && study.patientId.trim() !== p.patientCode)
    out.push(`PatientID ${study.patientId} vs ${p.patientCode}`);
  const expectedName = toPersonName(p.patientName);
  if (study.patientName && normalizePersonName(study.patientName) !== normalizePersonName(expectedName))
    out.push(`PatientName ${study.patientName} vs ${expectedName}`);
  const registered = p.birthDate?.replace(/-/g, '');
  if (study.birthDate && registered && study.birthDate.slice(0, registered.length) !== registered)
    out.push(`PatientBirthDate ${study.birthDate} vs ${p.birthDate}`);
  const sexes = ['M', 'F'];
  if (study.sex && p.sex && sexes.includes(study.sex) && sexes.includes(p.sex) && study.sex !== p.sex)
    out.push(`PatientSex ${study.sex} vs ${p.sex}`);
  return out;
}

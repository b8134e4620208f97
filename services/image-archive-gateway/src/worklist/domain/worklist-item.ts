/** The state of a scheduled step, as the archive knows it: from RIS (scheduled, cancelled) and MPPS. */
export type WorklistStatus = 'scheduled' | 'in_progress' | 'completed' | 'discontinued' | 'cancelled';

/** Only these are in the Modality Worklist; the others are kept for reconciliation. */
export const OPEN_STATUSES: readonly WorklistStatus[] = ['scheduled', 'in_progress'];

/** A scheduled procedure step, as RIS scheduled it (ris.procedure.v1 ProcedureScheduled). */
export interface WorklistItem {
  procedureId: string;
  orderId: string;
  /** The platform's patient id (HIS). */
  patientId: string;
  accessionNumber: string;
  requestedProcedureId: string;
  scheduledStepId: string;
  modality: string;
  stationAeTitle: string | null;
  stationName: string | null;
  scheduledStart: Date | null;
  procedureCode: { system: string; code: string; display: string } | null;
  description: string | null;
  /** (0010,0020) Patient ID: the hospital's patient code. */
  patientCode: string;
  /** UTF-8, as HIS has it ("Nguyễn Văn An"). */
  patientName: string;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  birthDate: string | null;
  /** M, F, O or null. */
  sex: string | null;
  priority: string | null;
  referringPhysician: string | null;
  studyInstanceUid: string | null;
  status: WorklistStatus;
}

import { ProcedureStatus as ProtoStatus } from '@hosp/contracts';

/**
 * Requested procedure lifecycle (IHE SWF.b; the MPPS states of DICOM PS3.3 C.4.14, plus scheduling and reporting):
 *
 *   requested -> scheduled                 a station is found for its modality (at once, or when one is configured)
 *   requested | scheduled -> cancelled     HIS cancels the order, or a person cancels it (the worklist item goes)
 *   (requested | scheduled) -> in-progress MPPS IN PROGRESS, or the first images of the study arrive
 *   (... | in-progress) -> completed       MPPS COMPLETED
 *   (... | in-progress) -> discontinued    MPPS DISCONTINUED: terminal
 *   (... | completed) -> reported          a final report is signed (or arrives from an outside RIS)
 *
 * Status only moves forward: MPPS and study events arrive on different topics, late or twice, and a late one
 * (IN PROGRESS after COMPLETED) changes nothing. Cancelled, discontinued and reported end the progress (an
 * addendum to a reported procedure leaves it reported).
 */
export const PROCEDURE_STATUSES = [
  'requested',
  'scheduled',
  'in-progress',
  'completed',
  'discontinued',
  'reported',
  'cancelled',
] as const;
export type ProcedureStatus = (typeof PROCEDURE_STATUSES)[number];

/** The statuses news from the modality, the archive and the radiologist move a procedure to. */
export type ProgressStatus = 'scheduled' | 'in-progress' | 'completed' | 'discontinued' | 'reported';

const RANK: Record<Exclude<ProcedureStatus, 'discontinued' | 'cancelled'>, number> = {
  requested: 0,
  scheduled: 1,
  'in-progress': 2,
  completed: 3,
  reported: 4,
};

/** Whether news moves the procedure on (forward only; discontinued only from before completion). */
export function advances(from: ProcedureStatus, to: ProgressStatus): boolean {
  if (from === 'cancelled' || from === 'discontinued' || from === 'reported') return false;
  if (to === 'discontinued') return from !== 'completed';
  return RANK[to] > RANK[from];
}

export type ProcedureAction = 'reschedule' | 'cancel' | 'report' | 'external-report';

const ALLOWED: Record<ProcedureAction, readonly ProcedureStatus[]> = {
  // A procedure still waiting for a station is scheduled by the same request.
  reschedule: ['requested', 'scheduled'],
  // Once the modality has started, the step is discontinued by the modality (MPPS), not cancelled.
  cancel: ['requested', 'scheduled'],
  // RIS's own radiologists report on acquired images.
  report: ['in-progress', 'completed', 'reported'],
  // An outside RIS/PACS may report images RIS never heard of (no MPPS, no study event).
  'external-report': ['requested', 'scheduled', 'in-progress', 'completed', 'reported'],
};

export function allows(from: ProcedureStatus, action: ProcedureAction): boolean {
  return ALLOWED[action].includes(from);
}

export const STATUS_TO_PROTO: Record<ProgressStatus, ProtoStatus> = {
  scheduled: ProtoStatus.SCHEDULED,
  'in-progress': ProtoStatus.IN_PROGRESS,
  completed: ProtoStatus.COMPLETED,
  discontinued: ProtoStatus.DISCONTINUED,
  reported: ProtoStatus.REPORTED,
};

/** Why a procedure is still only requested (kept on it, listed with ?status=requested). */
export const WAITING_REASONS = {
  NO_STATION: 'no active station for the modality',
  NO_MODALITY: 'the order names no DICOM modality',
} as const;
export type WaitingReason = keyof typeof WAITING_REASONS;

import { type DicomJson, items, str, Tag } from '@hosp/standards-dicom';
import { instantOf } from '../../shared/dicom-time';

/** (0040,0252) Performed Procedure Step Status (PS3.3 C.4.14). */
export const MPPS_STATUSES = ['IN PROGRESS', 'COMPLETED', 'DISCONTINUED'] as const;
export type MppsStatus = (typeof MPPS_STATUSES)[number];

export function isMppsStatus(s: string | undefined): s is MppsStatus {
  return (MPPS_STATUSES as readonly string[]).includes(s ?? '');
}

/** The keys of an MPPS the archive indexes and reports, read from its attributes. */
export interface MppsKeys {
  status: MppsStatus;
  accessionNumber: string | null;
  scheduledStepId: string | null;
  requestedProcedureId: string | null;
  studyInstanceUid: string | null;
  modality: string | null;
  stationAeTitle: string | null;
  patientId: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  instanceCount: number;
  discontinuationReason: string | null;
}

/**
 * N-SET replaces the attributes it carries (PS3.4 F.7.2.2: a sequence is replaced as a whole, a zero-length
 * attribute clears the value); the rest of the N-CREATE's attributes stay.
 */
export function applyNSet(current: DicomJson, modification: DicomJson): DicomJson {
  const next = { ...current };
  for (const [tag, a] of Object.entries(modification)) {
    if (tag === Tag.SpecificCharacterSet) continue;
    next[tag] = a;
  }
  return next;
}

export function mppsKeys(ds: DicomJson, timeZone: string): MppsKeys {
  // The first Scheduled Step Attributes item names the worklist step (one item per step the MPPS performs).
  const scheduled = items(ds, Tag.ScheduledStepAttributesSequence)[0];
  const series = items(ds, Tag.PerformedSeriesSequence);
  const instanceCount = series.reduce(
    (n, s) =>
      n +
      items(s, Tag.ReferencedImageSequence).length +
      items(s, Tag.ReferencedNonImageCompositeSOPInstanceSequence).length,
    0,
  );
  const reason = items(ds, Tag.PerformedProcedureStepDiscontinuationReasonCodeSequence)[0];
  const status = str(ds, Tag.PerformedProcedureStepStatus);
  return {
    status: isMppsStatus(status) ? status : 'IN PROGRESS',
    accessionNumber: str(scheduled, Tag.AccessionNumber) ?? null,
    scheduledStepId: str(scheduled, Tag.ScheduledProcedureStepID) ?? null,
    requestedProcedureId: str(scheduled, Tag.RequestedProcedureID) ?? null,
    studyInstanceUid: str(scheduled, Tag.StudyInstanceUID) ?? null,
    modality: str(ds, Tag.Modality) ?? null,
    stationAeTitle: str(ds, Tag.PerformedStationAETitle) ?? null,
    patientId: str(ds, Tag.PatientID) ?? null,
    startedAt:
      instantOf(
        str(ds, Tag.PerformedProcedureStepStartDate),
        str(ds, Tag.PerformedProcedureStepStartTime),
        timeZone,
      ) ?? null,
    endedAt:
      instantOf(
        str(ds, Tag.PerformedProcedureStepEndDate),
        str(ds, Tag.PerformedProcedureStepEndTime),
        timeZone,
      ) ?? null,
    instanceCount,
    discontinuationReason: reason
      ? (str(reason, Tag.CodeMeaning) ?? str(reason, Tag.CodeValue) ?? null)
      : null,
  };
}

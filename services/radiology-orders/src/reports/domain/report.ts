/**
 * Radiology report lifecycle (HL7 OBR-25 result status P/F/C; FHIR DiagnosticReport.status preliminary, final,
 * amended):
 *
 *   draft -> preliminary -> final        edits (optimistic locking) until signed; the radiologist who finalizes
 *   draft -> final                       signs it (who and when recorded); only a final report leaves RIS
 *   final -> amended                     an addendum: a NEW final report (amends = the previous one), emitted again
 *                                        as ReportFinalized with amended = true
 *
 * A critical finding can be flagged on a draft, a preliminary or the current final report: CriticalFindingRaised
 * leaves at once, whatever the report's state, so the clinician can be called before signing.
 */
export const REPORT_STATUSES = ['draft', 'preliminary', 'final', 'amended'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export type ReportAction = 'edit' | 'preliminary' | 'finalize' | 'addendum' | 'critical-finding';

const ALLOWED: Record<ReportAction, readonly ReportStatus[]> = {
  edit: ['draft', 'preliminary'],
  preliminary: ['draft'],
  finalize: ['draft', 'preliminary'],
  addendum: ['final'],
  'critical-finding': ['draft', 'preliminary', 'final'],
};

export function allowsReport(from: ReportStatus, action: ReportAction): boolean {
  return ALLOWED[action].includes(from);
}

/** The findings of an addendum: the amended report's findings, then the addendum under a dated heading. */
export function addendumFindings(previous: string, addendum: string, by: string, at: Date): string {
  return `${previous}\n\nADDENDUM ${at.toISOString()} (${by}):\n${addendum}`;
}

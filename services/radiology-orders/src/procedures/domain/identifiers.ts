import { SH_MAX } from '../../shared/domain/dicom';

/**
 * The identifiers RIS assigns to a requested procedure (IHE SWF.b, the Order Filler's duty):
 *
 * - Accession Number (0008,0050) = modality + YYMMDD of the facility day + the day's sequence, at least 4 digits
 *   ("CT2611220007"). The sequence is shared by every modality of the day (one counter row per day), so the
 *   number is unique even without its prefix. An order without a modality is prefixed OT (DICOM "other").
 * - Requested Procedure ID (0040,1001) = the accession number: one requested procedure per order.
 * - Scheduled Procedure Step ID (0040,0009) = the accession number + "-" + the step number ("CT2611220007-1");
 *   should that exceed SH's 16 characters (a 4-letter modality past 99,999 procedures a day), the step id is the
 *   accession number itself, which DICOM allows.
 */
export function accessionNumber(modality: string | null, serviceDate: string, seq: number): string {
  const [y, m, d] = serviceDate.split('-');
  const number = `${modality ?? 'OT'}${y.slice(2)}${m}${d}${String(seq).padStart(4, '0')}`;
  if (number.length > SH_MAX) throw new Error(`accession number ${number} exceeds ${SH_MAX} characters`);
  return number;
}

export function scheduledStepId(accession: string, step = 1): string {
  const id = `${accession}-${step}`;
  return id.length <= SH_MAX ? id : accession;
}

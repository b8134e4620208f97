/**
 * Accession numbers and specimen barcodes.
 *
 * - One accession per encounter and facility day of ordering: the day's lab orders of one visit share it.
 * - Accession number = YYMMDD of that day + a daily sequence, at least 4 digits ("2611200042").
 * - Within an accession, one specimen per tube: tests whose definitions name the same container and specimen
 *   type share a specimen while it is still only labelled; once it is collected, a later order gets a new tube.
 * - Barcode = accession number + the specimen's 2-digit number within the accession ("261120004201"):
 *   numeric, so every barcode symbology and every analyzer's sample-id field takes it.
 */
export function accessionNumber(serviceDate: string, seq: number): string {
  const [y, m, d] = serviceDate.split('-');
  return `${y.slice(2)}${m}${d}${String(seq).padStart(4, '0')}`;
}

export function specimenBarcode(accession: string, seq: number): string {
  if (seq < 1 || seq > 99) throw new Error(`specimen number ${seq} is outside 1-99`);
  return `${accession}${String(seq).padStart(2, '0')}`;
}

/** Tests go in the same tube when their definitions name the same container and specimen type. */
export function tubeKey(t: { containerType: string; specimenType: string }): string {
  return `${t.containerType}|${t.specimenType}`;
}

/** Why an order could not be accessioned (kept on the held order). */
export const ORDER_HOLD_REASONS = {
  UNKNOWN_TEST: 'no test definition for the service code',
  INACTIVE_TEST: 'the test definition is inactive',
} as const;
export type OrderHoldReason = keyof typeof ORDER_HOLD_REASONS;

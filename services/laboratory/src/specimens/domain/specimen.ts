/**
 * Specimen lifecycle (HL7 table 0493 condition, FHIR Specimen.status; the proto's SpecimenStatus):
 *   labelled -> collected -> received          (received releases the work order to the analyzers)
 *   labelled -> received                        (collected and received at the lab's own bench at once)
 *   labelled | collected | received -> rejected (with a reason; the tests move to a recollected tube)
 *   labelled | collected | received -> cancelled (every test on it was cancelled by HIS; LIS-internal)
 */
export const SPECIMEN_STATUSES = ['labelled', 'collected', 'received', 'rejected', 'cancelled'] as const;
export type SpecimenStatus = (typeof SPECIMEN_STATUSES)[number];

export type SpecimenAction = 'collect' | 'receive' | 'reject' | 'cancel';

const ALLOWED: Record<SpecimenAction, readonly SpecimenStatus[]> = {
  collect: ['labelled'],
  receive: ['labelled', 'collected'],
  reject: ['labelled', 'collected', 'received'],
  cancel: ['labelled', 'collected', 'received'],
};

export function allows(from: SpecimenStatus, action: SpecimenAction): boolean {
  return ALLOWED[action].includes(from);
}

/** Status of one test (HIS order) on a specimen. */
export const SPECIMEN_TEST_STATUSES = ['ordered', 'resulted', 'final', 'cancelled', 'rejected'] as const;
export type SpecimenTestStatus = (typeof SPECIMEN_TEST_STATUSES)[number];

/** A test is live on its specimen (to be run, or with a result) unless cancelled or moved off a rejected tube. */
export const isLiveTest = (s: SpecimenTestStatus): boolean =>
  s === 'ordered' || s === 'resulted' || s === 'final';

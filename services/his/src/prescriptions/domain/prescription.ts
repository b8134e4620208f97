import { PRESCRIPTION_TYPES, type PrescriptionTypeLetter } from '@hosp/standards-bhyt';

/**
 * Prescription types: the type letter that ends the national e-prescription code (spec §4.2, TT 26/2025 and
 * TT 55/2025): c ordinary, n narcotic, h psychotropic or precursor, t decoction. Narcotic and psychotropic
 * drugs go on their own prescriptions, so the type belongs to the whole prescription, not to a line.
 */
export const PRESCRIPTION_TYPE_LETTERS = Object.keys(PRESCRIPTION_TYPES) as PrescriptionTypeLetter[];
export const DEFAULT_PRESCRIPTION_TYPE: PrescriptionTypeLetter = 'c';

/**
 * The longest supply TT 26/2025 allows on any prescription (90 days, for the App. VII chronic diseases). The
 * tighter limits (30 days in general, 7 for narcotics in acute illness, 10/30 for psychotropics) depend on the
 * diagnosis and on drug classes the catalogue does not carry yet, so they are not enforced here.
 */
export const MAX_SUPPLY_DAYS = 90;

/** A quantity as QĐ 130 writes it (SO_LUONG): up to 3 decimals, as a string so that nothing is rounded. */
export const QUANTITY = /^\d{1,12}(\.\d{1,3})?$/;

/** Whether a QUANTITY-shaped string is above zero ("0", "0.000" are not). */
export function isPositiveQuantity(q: string): boolean {
  return QUANTITY.test(q) && /[1-9]/.test(q);
}

export interface PrescriptionLine {
  drugCode: string;
  quantity: string;
  /** LIEU_DUNG, e.g. "1 viên x 2 lần/ngày". */
  dosage: string;
  /** CACH_DUNG, e.g. "uống sau ăn". */
  instructions?: string;
  days: number;
}

export interface IssuePrescription {
  type: PrescriptionTypeLetter;
  prescriberId: string;
  diagnosis?: string;
  advice?: string;
  items: PrescriptionLine[];
}

/** The timeline line for a prescription: its code and what it gives. */
export function prescriptionSummary(
  code: string,
  lines: Array<{ name: string; quantity: string; unit: string }>,
): string {
  const what = lines.map((l) => `${l.name} ${l.quantity} ${l.unit}`).join(', ');
  const text = `Prescription ${code}: ${what}`;
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

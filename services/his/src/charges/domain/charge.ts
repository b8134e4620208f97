import { computeInsuranceShare, type InsuranceShare } from '@hosp/standards-bhyt';
import type { ServiceCategory } from '../../catalog/domain/catalog';

export const CHARGE_ITEM_TYPES = [
  'exam',
  'bed-day',
  'lab',
  'imaging',
  'procedure',
  'drug',
  'supply',
] as const;
export type ChargeItemType = (typeof CHARGE_ITEM_TYPES)[number];

/** The ledger line type of a catalogue service. */
export const ITEM_TYPE_OF_CATEGORY: Record<ServiceCategory, ChargeItemType> = {
  exam: 'exam',
  laboratory: 'lab',
  imaging: 'imaging',
  procedure: 'procedure',
  bed: 'bed-day',
  supply: 'supply',
  other: 'procedure',
};

export interface PricedLine {
  quantity: string;
  unitPriceHospital: string;
  /** null: BHYT does not pay for the item. */
  unitPriceInsurance: string | null;
  /** MUC_HUONG of the encounter; null for a self-paying encounter. */
  coveragePercent: string | null;
}

/**
 * Splits a line between the fund and the patient with the QĐ 130 §1.12 formulas (libs/standards/bhyt): an
 * item outside BHYT scope (no insurance price) or a self-paying encounter leaves everything to the patient.
 * MUC_HUONG here is the card level for the route; the episode-level 100% rules (cost under 15% of the base
 * salary, five years' continuous cover) are applied by claims when it assembles the whole episode.
 */
export function priceLine(line: PricedLine): InsuranceShare {
  const insured = line.coveragePercent !== null && line.unitPriceInsurance !== null;
  const share = computeInsuranceShare({
    quantity: line.quantity,
    unitPriceHospital: line.unitPriceHospital,
    unitPriceInsurance: insured ? line.unitPriceInsurance! : '0',
    insurancePaymentRatio: insured ? 100 : 0,
    coveragePercent: insured ? line.coveragePercent! : '0',
  });
  if (!share.ok) throw new RangeError(`cannot price the line: ${share.reason} (${share.code})`);
  return share;
}

/**
 * What the facility's BHYT catalogue (the lists BHXH approved for it) says about one item, beyond what the
 * ledger events carry. Codes are the hospital's item codes as HIS posts them.
 */
export interface CatalogEntry {
  readonly code: string;
  readonly kind: 'drug' | 'service' | 'supply';
  /** MA_NHOM, cost group (QĐ 5937/2021 App. 3, the spec §1.12): overrides the default of the item type. */
  readonly group?: number;
  /** PHAM_VI: 1 in the BHYT scope, 2 outside, 3 outside but paid for the army, police and cipher sectors. */
  readonly scope?: 1 | 2 | 3;
  /** TYLE_TT_BH, percent: drugs and supplies paid by ratio. Default 100. */
  readonly insuranceRatio?: number;
  /** The code BHXH knows the item by (MA_DICH_VU of QĐ 2010/2025 `CC.KKKK.GGGG`, MA_VAT_TU). */
  readonly bhytCode?: string;
  /** XML2 MA_THUOC: the active-ingredient code of the common list (DMDC). */
  readonly ingredientCode?: string;
  /** TT_THAU: "decision;package;group;year" (required for drugs except groups 7/17, and for supplies). */
  readonly tender?: string;
  /** SO_DANG_KY: marketing-authorisation number. */
  readonly registrationNumber?: string;
  /** DUONG_DUNG: route code. */
  readonly routeCode?: string;
  readonly dosageForm?: string;
  readonly unit?: string;
}

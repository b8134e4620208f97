/** Service categories: they route an order (laboratory -> LIS, imaging -> RIS) and type its charge line. */
export const SERVICE_CATEGORIES = [
  'exam',
  'laboratory',
  'imaging',
  'procedure',
  'bed',
  'supply',
  'other',
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

export interface ServiceItem {
  /** The hospital's code; the Ministry of Health technical-service code (MA_DICH_VU) where one exists. */
  code: string;
  name: string;
  category: ServiceCategory;
  /** VND, up to 3 decimals (QĐ 130 §1.5). */
  hospitalPrice: string;
  /** The BHYT price; null when BHYT does not pay for the service. */
  insurancePrice: string | null;
  /** The department that performs it (MA_KHOA). */
  performingDepartment: string;
  /** Imaging: the DICOM modality (0008,0060). */
  modality: string | null;
  /** Laboratory: the LOINC code of the test. */
  loincCode: string | null;
  active: boolean;
}

export interface DrugItem {
  code: string;
  name: string;
  activeIngredientCode: string;
  activeIngredient: string;
  strength: string;
  route: string;
  dosageForm: string;
  unit: string;
  hospitalPrice: string;
  insurancePrice: string | null;
  active: boolean;
}

/**
 * What claims knows about one care episode, folded from the events of HIS, LIS and RIS. Plain data: the
 * assembly (claims/domain) turns it into the QĐ 130 tables without touching a database.
 */

export type Sex = 'male' | 'female' | 'other' | 'unknown';

export interface PatientFacts {
  readonly patientId: string;
  /** MA_BN. */
  readonly patientCode: string;
  readonly fullName: string;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  readonly birthDate: string;
  readonly sex: Sex;
  readonly citizenId: string;
  readonly address: { line: string; provinceCode: string; districtCode: string; communeCode: string };
  readonly ethnicityCode: string;
  readonly nationalityCode: string;
  readonly occupationCode: string;
}

export type EncounterClass = 'outpatient' | 'emergency' | 'day-treatment' | 'inpatient';
export type Route = 'correct' | 'emergency' | 'off-route';

/** A BHYT card and the benefit it gave, from `effectiveAt` until the next period (EncounterStarted / CoverageChanged). */
export interface CoveragePeriod {
  readonly cardNumber: string;
  readonly benefitLevel: number;
  /** MUC_HUONG HIS computed for the route, before the episode-level small-cost rule. */
  readonly coveragePercent: string;
  readonly route: Route;
  /** 'YYYY-MM-DD'. */
  readonly validFrom: string;
  readonly validTo: string;
  readonly registrationFacility: string;
  readonly effectiveAt: Date;
}

export interface TransferFact {
  readonly fromDepartment: string;
  readonly toDepartment: string;
  readonly bedCode: string;
  readonly at: Date;
}

export type ChargeItemType = 'exam' | 'bed-day' | 'lab' | 'imaging' | 'procedure' | 'drug' | 'supply';

export interface ChargeFact {
  readonly chargeId: string;
  readonly itemType: ChargeItemType;
  readonly itemCode: string;
  readonly itemName: string;
  readonly quantity: string;
  readonly unitPriceHospital: string;
  /** Empty when the item has no BHYT price (out of scope, or a price the catalogue lacks). */
  readonly unitPriceInsurance: string;
  readonly coveragePercent: string;
  /** What HIS posted: THANH_TIEN_BV, THANH_TIEN_BH, T_BHTT, T_BNCCT, T_BNTT. */
  readonly amountHospital: string;
  readonly amountInsurance: string;
  readonly insurerPays: string;
  readonly patientCopay: string;
  readonly patientPays: string;
  readonly sourceId: string;
  readonly departmentCode: string;
  readonly cardNumber: string;
  readonly bedCode: string;
  readonly orderedBy: string;
  readonly orderedAt: Date | null;
  readonly postedAt: Date;
  /** Set when a ChargeReversed cancelled the line: it is then left out of the claim. */
  readonly reversed: boolean;
}

export interface OrderFact {
  readonly orderId: string;
  readonly category: 'laboratory' | 'imaging' | 'procedure' | 'other';
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly orderingProviderId: string;
  readonly orderedAt: Date;
  readonly performingDepartment: string;
  readonly cancelled: boolean;
}

export interface DrugFact {
  readonly prescriptionId: string;
  readonly prescriptionCode: string;
  readonly prescriberId: string;
  readonly issuedAt: Date;
  readonly drugCode: string;
  readonly drugName: string;
  readonly activeIngredient: string;
  readonly strength: string;
  readonly route: string;
  readonly unit: string;
  readonly quantity: string;
  readonly dosage: string;
  readonly instructions: string;
  readonly days: number;
}

export interface ResultFact {
  readonly resultId: string;
  readonly orderId: string;
  readonly testCode: string;
  readonly testName: string;
  readonly serviceCode: string;
  readonly value: string;
  readonly unit: string;
  readonly observedAt: Date | null;
  readonly releasedAt: Date;
  /** Who validated (released) it: XML4 MA_BS_DOC_KQ and the performer of the XML3 line. */
  readonly validatedBy: string;
  readonly corrected: boolean;
}

export interface ReportFact {
  readonly reportId: string;
  readonly orderId: string;
  readonly findings: string;
  readonly impression: string;
  readonly radiologistId: string;
  readonly signedAt: Date;
}

/**
 * The referral letter HIS wrote at a referred discharge (MA_LOAI_RV 2 or 5): the XML13 facts the events cannot
 * otherwise tell (the spec, vietnam-bhyt-emr.md §1.11). Optional texts are absent when HIS had none.
 */
export interface ReferralFact {
  /** MA_NOI_DEN. */
  readonly toFacility: string;
  /** MA_LYDO_CT. */
  readonly reasonCode: string;
  /** SO_CHUYENTUYEN / GIAY_CHUYEN_TUYEN. */
  readonly letterNumber?: string;
  /** DAU_HIEU_LS. */
  readonly clinicalSigns?: string;
  /** HUONG_DIEU_TRI. */
  readonly treatmentDirection?: string;
  /** PHUONGTIEN_VC. */
  readonly transport?: string;
  /** HOTEN_NGUOI_HT, CHUCDANH_NGUOI_HT. */
  readonly escortName?: string;
  readonly escortTitle?: string;
}

export interface DischargeFact {
  /** KET_QUA_DTRI, MA_LOAI_RV. */
  readonly outcome: string;
  readonly dischargeType: string;
  readonly mainDiagnosis: string;
  readonly secondaryDiagnoses: readonly string[];
  readonly departmentCode: string;
  readonly at: Date;
  /** The referral letter of a referred discharge (XML13; XML1 MA_NOI_DEN, GIAY_CHUYEN_TUYEN). */
  readonly referral?: ReferralFact;
  /** The re-exam appointment day, 'YYYY-MM-DD' (XML14; XML1 NGAY_TAI_KHAM). */
  readonly followUpDate?: string;
  /** The treatment given (XML1 PP_DIEU_TRI). */
  readonly treatmentSummary?: string;
  /** Who discharged the patient (MA_BAC_SI of XML13 and XML14). */
  readonly dischargedBy?: string;
}

export interface EpisodeFacts {
  readonly encounterId: string;
  readonly patientId: string;
  /** MA_LK. */
  readonly episodeKey: string;
  readonly encounterClass: EncounterClass;
  /** MA_LOAI_KCB. */
  readonly visitType: string;
  readonly departmentCode: string;
  readonly startedAt: Date;
  readonly closedAt: Date | null;
  readonly coverages: readonly CoveragePeriod[];
  readonly transfers: readonly TransferFact[];
  readonly charges: readonly ChargeFact[];
  readonly orders: readonly OrderFact[];
  readonly drugs: readonly DrugFact[];
  readonly results: readonly ResultFact[];
  readonly reports: readonly ReportFact[];
  readonly discharge: DischargeFact | null;
}

import { DISCHARGE_TYPES, TREATMENT_OUTCOMES, VISIT_TYPES, XML130_GENDERS } from '@hosp/standards-bhyt';
import type { FieldPattern } from './types';

/**
 * Code lists and value patterns used by the layouts. The lists shared with the rest of the platform come from
 * @hosp/standards-bhyt (one definition of GIOI_TINH, KET_QUA_DTRI, MA_LOAI_RV, MA_LOAI_KCB); the others are
 * small and only matter inside the XML, so they live here. Each carries its source tag.
 */

export interface CodeList {
  readonly codes: readonly string[];
  /** Name and source, quoted in error messages. */
  readonly label: string;
}

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

/** GIOI_TINH: 1 male, 2 female, 3 undetermined (spec §1.6 item 7 [P*]). */
export const GENDERS: CodeList = {
  codes: Object.keys(XML130_GENDERS),
  label: 'GIOI_TINH 1/2/3 (spec §1.6)',
};

/** KET_QUA_DTRI as QĐ 130 had it: 1–7 (spec §1.7 item 40 [P*]). */
export const TREATMENT_OUTCOMES_QD130: CodeList = {
  codes: Object.keys(TREATMENT_OUTCOMES).filter((code) => code !== '8'),
  label: 'KET_QUA_DTRI 1–7 (QĐ 130, spec §1.7)',
};

/** KET_QUA_DTRI from QĐ 4750: adds 8, death outside hospital (spec §1.7 item 40, §1.12 [P*]). */
export const TREATMENT_OUTCOMES_QD4750: CodeList = {
  codes: Object.keys(TREATMENT_OUTCOMES),
  label: 'KET_QUA_DTRI 1–8 (QĐ 4750, spec §1.12)',
};

/** MA_LOAI_RV: 1–5 (spec §1.7 item 41, §1.12 [P*]). */
export const DISCHARGE_TYPE_CODES: CodeList = {
  codes: Object.keys(DISCHARGE_TYPES),
  label: 'MA_LOAI_RV 1–5 (spec §1.12)',
};

/**
 * MA_LOAI_KCB before QĐ 1804/2026: 01–10, the QĐ 824/2023 App. 1 list (the earlier list named in spec §1.12;
 * @hosp/standards-bhyt VISIT_TYPES documents 01–10 as its long-standing wording). The 4750 appendix itself
 * assumes 01–09 [P*].
 */
export const VISIT_TYPES_QD824: CodeList = {
  codes: Object.keys(VISIT_TYPES)
    .filter((code) => Number(code) <= 10)
    .sort(),
  label: 'MA_LOAI_KCB 01–10 (QĐ 824/2023, spec §1.12)',
};

/** MA_LOAI_KCB from 01/08/2026: the 16 codes of QĐ 1804/QĐ-BYT (spec §1.12 [S]). */
export const VISIT_TYPES_QD1804: CodeList = {
  // Object.keys lists the index-like keys ('10'…'16') first: sort back into code order.
  codes: Object.keys(VISIT_TYPES).sort(),
  label: 'MA_LOAI_KCB 01–16 (QĐ 1804/2026, spec §1.12)',
};

/** PHAM_VI: 1 in the BHYT list, 2 outside, 3 outside but paid for army/police/cipher (spec §1.8 item 16 [P*]). */
export const SCOPES: CodeList = { codes: ['1', '2', '3'], label: 'PHAM_VI 1/2/3 (spec §1.12)' };

/** MA_PTTT: 1 fee-for-service, 2 capitation, 3 DRG (spec §1.8 item 35 [P*]). */
export const PAYMENT_METHODS: CodeList = { codes: ['1', '2', '3'], label: 'MA_PTTT 1/2/3 (spec §1.12)' };

/** NGUON_CTRA: 1 BHYT, 2 project/aid, 3 national programme, 4 other (spec §1.8 item 36 [P*]). */
export const FUNDING_SOURCES: CodeList = { codes: range(1, 4), label: 'NGUON_CTRA 1–4 (spec §1.12)' };

/** PP_VO_CAM: 1 general, 2 regional/local, 3 acupuncture, 4 other (spec §1.9 item 42 [P*]). */
export const ANAESTHESIA_METHODS: CodeList = { codes: range(1, 4), label: 'PP_VO_CAM 1–4 (spec §1.12)' };

/** MA_KHUVUC: K1/K2/K3 printed on the card (spec §1.7 item 58 [P*]). */
export const RESIDENCE_AREAS: CodeList = {
  codes: ['K1', 'K2', 'K3'],
  label: 'MA_KHUVUC K1/K2/K3 (spec §1.12)',
};

/** VET_THUONG_TP and TAI_SU_DUNG: empty or "1" (spec §1.5 portal rule [S]). */
export const FLAG_ONE: CodeList = { codes: ['1'], label: 'empty or "1" (spec §1.5 portal rule)' };

/** MA_NHOM, cost group, QĐ 5937/2021 App. 3 as QĐ 130 used it: 1–18 (spec §1.12 [I/S]). */
export const COST_GROUPS_QD130: CodeList = {
  codes: range(1, 18),
  label: 'MA_NHOM 1–18 (QĐ 5937/2021 App. 3, spec §1.12)',
};

/** MA_NHOM from QĐ 4750: 19 "other services" added (spec §1.9 item 6 [P*]). */
export const COST_GROUPS_QD4750: CodeList = {
  codes: range(1, 19),
  label: 'MA_NHOM 1–19 (QĐ 4750, spec §1.12)',
};

/** Cost groups whose XML3 lines need NGUOI_THUC_HIEN and NGAY_TH_YL (spec §1.5 portal rule [S]). */
export const GROUPS_NEEDING_PERFORMER: readonly string[] = ['1', '2', '3', '8', '18'];
/** Blood (7) and blood products (17): the only XML2 groups without TT_THAU (spec §1.5 portal rule [S]). */
export const GROUPS_WITHOUT_TENDER: readonly string[] = ['7', '17'];
/** Supplies in the list: XML3 TT_THAU required (spec §1.5 portal rule [S]). */
export const SUPPLY_GROUP_IN_LIST = '10';
/** Supplies (10 in list, 11 paid by ratio): the XML3 lines summed into XML1 T_VTYT (spec §1.12 [I]). */
export const SUPPLY_GROUPS: readonly string[] = ['10', '11'];
/** Transport: MA_XANG_DAU required (spec §1.5 portal rule [S]). */
export const TRANSPORT_GROUP = '12';

// ---------------------------------------------------------------------------------------------------------
// Patterns (common XSD/JavaScript regular-expression subset, see FieldPattern).

/** SO_CCCD: 9 or 12 digits, or 1 capital letter + 7 digits (spec §1.5 and §1.7 item 5, portal rule [S]). */
export const CITIZEN_ID: FieldPattern = {
  regex: '[0-9]{9}|[0-9]{12}|[A-Z][0-9]{7}',
  rule: '9 or 12 digits, or 1 capital letter followed by 7 digits (spec §1.5 portal rule)',
};

/** MA_TTDV: the 10-digit BHXH/health ID of the facility head or signer (spec §1.7 item 64, §1.5 portal rule). */
export const TEN_DIGITS: FieldPattern = {
  regex: '[0-9]{10}',
  rule: 'exactly 10 digits (spec §1.5 portal rule, §1.7 item 64)',
};

/**
 * GOI_VTYT: "G" followed by 1–999 (spec §1.5 portal rule [S], §1.9 item 7). The spec's own width for the field
 * is 3 (String 3 [P*]), so G100–G999 fail the width check: the two sources disagree and we keep both until the
 * portal XSD settles it.
 */
export const SUPPLY_PACKAGE: FieldPattern = {
  regex: 'G[1-9][0-9]{0,2}',
  rule: '"G" followed by a number from 1 to 999 (spec §1.5 portal rule)',
};

/** MA_GIUONG: H/T/C/K + 3 digits per bed (spec §1.9 item 32, §1.12 [P*]). */
export const BED_CODE: FieldPattern = {
  regex: '[HTCK][0-9]{3}',
  rule: 'H, T, C or K followed by 3 digits (spec §1.9 item 32)',
};

/** MA_THE_BHYT: the 15-character card code XX N PP NNNNNNNNNN (spec §2.1; §1.7 item 16 "15 chars each"). */
export const CARD_CODE: FieldPattern = {
  regex: '[A-Z]{2}[0-9]{13}',
  rule: '15 characters: 2 capital letters and 13 digits (spec §2.1, §1.7 item 16)',
};

/** MA_CSKCB, MA_DKBD, MA_NOI_DI/DEN: the 5-character facility code (spec §1.6 items 9/18, §1.7 item 17). */
export const FACILITY_CODE: FieldPattern = {
  regex: '[0-9A-Z]{5}',
  rule: '5 characters, digits or capital letters (spec §1.6, §1.7)',
};

/** MA_CSKCB_THUOC: C./K./M./HC. + a facility code (spec §1.8 item 5, §1.12 [P*]). */
export const DRUG_SOURCE_FACILITY: FieldPattern = {
  regex: '(C|K|M|HC)\\.[0-9A-Z]{5}',
  rule: 'C., K., M. or HC. followed by a 5-character facility code (spec §1.8 item 5)',
};

/**
 * NHOM_MAU: A, B, AB, O with an optional +/-, or Rh, Rh+, Rh- (spec §1.7 "new" row [P*]; the note abbreviates
 * the list as "A, A+, A-, B…, AB…, O…, Rh, Rh+, Rh-", read here as the same suffixes for every group [I]).
 */
export const BLOOD_GROUP: FieldPattern = {
  regex: '(A|B|AB|O)[+\\-]?|Rh[+\\-]?',
  rule: 'A, B, AB or O with an optional + or -, or Rh, Rh+ or Rh- (spec §1.7 NHOM_MAU)',
};

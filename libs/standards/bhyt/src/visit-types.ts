/**
 * Code lists carried in XML 130 (QĐ 130/QĐ-BYT as amended by QĐ 4750 and 3176).
 *
 * `MA_LOAI_KCB`, visit type: 01–09 are assumed by the QĐ 4750 appendix [P*]; the 16-code list is
 * QĐ 1804/QĐ-BYT (19/06/2026, in force 01/08/2026) as summarised in spec §1.12 [S]. It is a string
 * ("01" keeps its zero, QĐ 4750 turned it from Number to String, spec §1.5). English labels follow the spec;
 * the Vietnamese labels of 01–10 are the long-standing wording of the earlier list (QĐ 824/QĐ-BYT 2023),
 * those of 11–16 are our translation [I] — QĐ 1804's own wording was not read.
 */
export const VISIT_TYPES = {
  '01': { vi: 'Khám bệnh', en: 'Examination' },
  '02': { vi: 'Điều trị ngoại trú', en: 'Outpatient treatment' },
  '03': { vi: 'Điều trị nội trú', en: 'Inpatient treatment (under 4 hours use 09)' },
  '04': { vi: 'Điều trị nội trú ban ngày', en: 'Day treatment' },
  '05': {
    vi: 'Điều trị ngoại trú bệnh mạn tính dài ngày, có khám bệnh và lĩnh thuốc',
    en: 'Chronic outpatient with exam and drugs only (with services use 08)',
  },
  '06': {
    vi: 'Điều trị lưu tại trạm y tế xã, phòng khám đa khoa khu vực, nhà hộ sinh',
    en: 'Stay at a polyclinic, regional polyclinic, maternity home or commune station',
  },
  '07': { vi: 'Nhận thuốc theo hẹn (không khám bệnh)', en: 'Drugs collected by appointment, no exam' },
  '08': {
    vi: 'Điều trị ngoại trú bệnh mạn tính dài ngày, có khám bệnh, thực hiện dịch vụ kỹ thuật và/hoặc sử dụng thuốc',
    en: 'Chronic outpatient with exam, services and/or drugs',
  },
  '09': { vi: 'Điều trị nội trú dưới 4 giờ', en: 'Inpatient under 4 hours' },
  '10': { vi: 'Các trường hợp khác', en: 'Other' },
  '11': { vi: 'Khám bệnh, chữa bệnh lưu động (không tại nhà)', en: 'Mobile care (not at home)' },
  '12': { vi: 'Khám bệnh, chữa bệnh tại nhà', en: 'Home care' },
  '13': { vi: 'Y học gia đình', en: 'Family medicine' },
  '14': { vi: 'Khám bệnh, chữa bệnh từ xa', en: 'Telemedicine' },
  '15': { vi: 'Khám sức khỏe định kỳ', en: 'Periodic health check (BHYT pays only where a rule allows)' },
  '16': { vi: 'Khám sàng lọc', en: 'Screening (BHYT pays only where a rule allows)' },
} as const;

export type VisitTypeCode = keyof typeof VISIT_TYPES;

export function isVisitTypeCode(code: string): code is VisitTypeCode {
  return Object.prototype.hasOwnProperty.call(VISIT_TYPES, code);
}

/**
 * `KET_QUA_DTRI`, treatment outcome (XML1 item 40, spec §1.7/§1.12 [P*]); 8 was added by QĐ 4750.
 * (Called KET_QUA_DIEU_TRI in some documents; the XML element is KET_QUA_DTRI.)
 */
export const TREATMENT_OUTCOMES = {
  1: { vi: 'Khỏi', en: 'Cured' },
  2: { vi: 'Đỡ', en: 'Improved' },
  3: { vi: 'Không thay đổi', en: 'Unchanged' },
  4: { vi: 'Nặng hơn', en: 'Worse' },
  5: { vi: 'Tử vong', en: 'Died' },
  6: { vi: 'Tiên lượng nặng xin về', en: 'Grave prognosis, taken home' },
  7: { vi: 'Chưa xác định', en: 'Undetermined' },
  8: { vi: 'Tử vong ngoại viện', en: 'Died outside hospital' },
} as const;

export type TreatmentOutcomeCode = keyof typeof TREATMENT_OUTCOMES;

/** `MA_LOAI_RV`, discharge type (XML1 item 41, spec §1.7/§1.12 [P*]). */
export const DISCHARGE_TYPES = {
  1: { vi: 'Ra viện', en: 'Discharged' },
  2: { vi: 'Chuyển tuyến theo yêu cầu chuyên môn', en: 'Referred (clinical)' },
  3: { vi: 'Trốn viện', en: 'Absconded' },
  4: { vi: 'Xin ra viện', en: 'Discharge on request' },
  5: { vi: 'Chuyển tuyến theo yêu cầu người bệnh', en: 'Referred on patient request' },
} as const;

export type DischargeTypeCode = keyof typeof DISCHARGE_TYPES;

/** `GIOI_TINH` in XML 130 (spec §1.6 item 7): 1 male, 2 female, 3 undetermined. */
export const XML130_GENDERS = {
  1: { vi: 'Nam', en: 'Male' },
  2: { vi: 'Nữ', en: 'Female' },
  3: { vi: 'Chưa xác định', en: 'Undetermined' },
} as const;

export type Xml130GenderCode = keyof typeof XML130_GENDERS;

/**
 * `gioi_tinh` in the national e-prescription payload (spec §4.3 [C]) uses DIFFERENT numbers from XML 130:
 * 1 undetermined, 2 male, 3 female.
 */
export const PRESCRIPTION_GENDERS = {
  1: { vi: 'Chưa xác định', en: 'Undetermined' },
  2: { vi: 'Nam', en: 'Male' },
  3: { vi: 'Nữ', en: 'Female' },
} as const;

export type PrescriptionGenderCode = keyof typeof PRESCRIPTION_GENDERS;

/** Converts an XML 130 `GIOI_TINH` to the e-prescription `gioi_tinh` (spec §4.3 note). */
export function xml130GenderToPrescriptionGender(code: Xml130GenderCode): PrescriptionGenderCode {
  return ({ 1: 2, 2: 3, 3: 1 } as const)[code];
}

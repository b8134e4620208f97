/**
 * Province codes of the 63 provinces and centrally-run cities as they stood before the 2025 merger: the
 * administrative codes of QĐ 124/2004/QĐ-TTg. They are well-known public facts, not taken from the spec note,
 * which only says that XML 130 `MATINH_CU_TRU` is "the last 2 digits of the admin code" (QĐ 130 §1.7).
 *
 * - CCCD numbers (TT 07/2016/TT-BCA, later TT 59/2021) start with the 3-digit form (001 … 096) of the province
 *   where the birth was registered. Numbers already issued never change, so the pre-2025 codes stay valid for
 *   CCCD decoding after the 2025 merger into 34 provinces (whose codes reuse codes from this list).
 * - BHYT cards carry the 2-digit form (01 … 96) of the issuing BHXH office in characters 4–5 (spec §2.1).
 *
 * Codes are not contiguous: 003, 005, 007, 009, … were retired in earlier re-organisations.
 */
export const CCCD_PROVINCE_CODES = {
  '001': 'Hà Nội',
  '002': 'Hà Giang',
  '004': 'Cao Bằng',
  '006': 'Bắc Kạn',
  '008': 'Tuyên Quang',
  '010': 'Lào Cai',
  '011': 'Điện Biên',
  '012': 'Lai Châu',
  '014': 'Sơn La',
  '015': 'Yên Bái',
  '017': 'Hòa Bình',
  '019': 'Thái Nguyên',
  '020': 'Lạng Sơn',
  '022': 'Quảng Ninh',
  '024': 'Bắc Giang',
  '025': 'Phú Thọ',
  '026': 'Vĩnh Phúc',
  '027': 'Bắc Ninh',
  '030': 'Hải Dương',
  '031': 'Hải Phòng',
  '033': 'Hưng Yên',
  '034': 'Thái Bình',
  '035': 'Hà Nam',
  '036': 'Nam Định',
  '037': 'Ninh Bình',
  '038': 'Thanh Hóa',
  '040': 'Nghệ An',
  '042': 'Hà Tĩnh',
  '044': 'Quảng Bình',
  '045': 'Quảng Trị',
  '046': 'Thừa Thiên Huế',
  '048': 'Đà Nẵng',
  '049': 'Quảng Nam',
  '051': 'Quảng Ngãi',
  '052': 'Bình Định',
  '054': 'Phú Yên',
  '056': 'Khánh Hòa',
  '058': 'Ninh Thuận',
  '060': 'Bình Thuận',
  '062': 'Kon Tum',
  '064': 'Gia Lai',
  '066': 'Đắk Lắk',
  '067': 'Đắk Nông',
  '068': 'Lâm Đồng',
  '070': 'Bình Phước',
  '072': 'Tây Ninh',
  '074': 'Bình Dương',
  '075': 'Đồng Nai',
  '077': 'Bà Rịa - Vũng Tàu',
  '079': 'Hồ Chí Minh',
  '080': 'Long An',
  '082': 'Tiền Giang',
  '083': 'Bến Tre',
  '084': 'Trà Vinh',
  '086': 'Vĩnh Long',
  '087': 'Đồng Tháp',
  '089': 'An Giang',
  '091': 'Kiên Giang',
  '092': 'Cần Thơ',
  '093': 'Hậu Giang',
  '094': 'Sóc Trăng',
  '095': 'Bạc Liêu',
  '096': 'Cà Mau',
} as const;

export type CccdProvinceCode = keyof typeof CCCD_PROVINCE_CODES;

export function isCccdProvinceCode(code: string): code is CccdProvinceCode {
  return Object.prototype.hasOwnProperty.call(CCCD_PROVINCE_CODES, code);
}

/** Name of a 2-digit administrative province code ('01' … '96'), or undefined when it is not one. */
export function provinceNameOfAdminCode(code: string): string | undefined {
  const cccd = `0${code}`;
  return /^\d{2}$/.test(code) && isCccdProvinceCode(cccd) ? CCCD_PROVINCE_CODES[cccd] : undefined;
}

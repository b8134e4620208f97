import type { XmlRow } from './write-table';

/**
 * A realistic inpatient claim (pneumonia, 5 days, Ho Chi Minh City, November 2026: layout QD1804) used by the
 * unit and integration tests and as a worked example of the row format: every value is already formatted text.
 * The amounts are consistent (spec §1.12): 80% benefit, no other sources, so T_BHTT = 80% of THANH_TIEN_BH
 * and the XML1 totals equal the sums of the XML2 and XML3 lines. Names, numbers and codes are invented.
 */

export const SAMPLE_MA_LK = 'BV79010-20261118-000123';
export const SAMPLE_FACILITY = '79010';

const PATIENT = {
  MA_BN: 'BN2026-004512',
  HO_TEN: 'Nguyễn Thị Hồng Nhung',
  SO_CCCD: '079185001234',
  NGAY_SINH: '198503120000',
  GIOI_TINH: '2',
  MA_THE_BHYT: 'GD4797920123456',
  MA_DKBD: '79024',
} as const;

export function sampleCheckIn(): XmlRow {
  return {
    MA_LK: SAMPLE_MA_LK,
    STT: '1',
    ...PATIENT,
    GT_THE_TU: '20260101',
    GT_THE_DEN: '20261231',
    MA_DOITUONG_KCB: '1.1',
    NGAY_VAO: '202611180815',
    MA_LOAI_KCB: '01',
    MA_CSKCB: SAMPLE_FACILITY,
    MA_DICH_VU: '02.1896',
    TEN_DICH_VU: 'Khám Nội',
    NGAY_YL: '202611180815',
  };
}

export function sampleXml1(): XmlRow {
  return {
    MA_LK: SAMPLE_MA_LK,
    STT: '1',
    ...PATIENT,
    NHOM_MAU: 'O+',
    MA_QUOCTICH: '000',
    MA_DANTOC: '01',
    MA_NGHE_NGHIEP: '00000',
    DIA_CHI: 'Số 12 đường Nguyễn Trãi, phường Bến Thành, Quận 1, TP. Hồ Chí Minh',
    MATINH_CU_TRU: '79',
    MAHUYEN_CU_TRU: '760',
    MAXA_CU_TRU: '26734',
    DIEN_THOAI: '0903123456',
    GT_THE_TU: '20260101',
    GT_THE_DEN: '20261231',
    LY_DO_VV: 'Sốt cao, ho khạc đàm 3 ngày',
    LY_DO_VNT: 'Viêm phổi cần điều trị nội trú',
    CHAN_DOAN_VAO: 'Theo dõi viêm phổi',
    CHAN_DOAN_RV: 'Viêm phổi do vi khuẩn, không phân loại nơi khác; Tăng huyết áp vô căn',
    MA_BENH_CHINH: 'J15.9',
    MA_BENH_KT: 'I10;E11.9',
    MA_DOITUONG_KCB: '1.1',
    NGAY_VAO: '202611180815',
    NGAY_VAO_NOI_TRU: '202611180930',
    NGAY_RA: '202611221000',
    SO_NGAY_DTRI: '5',
    PP_DIEU_TRI: 'Kháng sinh đường uống, hạ sốt, bù dịch',
    KET_QUA_DTRI: '1',
    MA_LOAI_RV: '1',
    GHI_CHU: 'Tái khám sau 7 ngày <nếu còn sốt> & uống đủ nước',
    NGAY_TTOAN: '202611221030',
    T_THUOC: '176004.5',
    T_VTYT: '8500',
    T_TONGCHI_BV: '1192404.5',
    T_TONGCHI_BH: '1192404.5',
    T_BNTT: '0',
    T_BNCCT: '238480.9',
    T_BHTT: '953923.6',
    T_NGUONKHAC: '0',
    T_BHTT_GDV: '953923.6',
    NAM_QT: '2026',
    THANG_QT: '11',
    MA_LOAI_KCB: '03',
    MA_KHOA: 'K01;K03',
    MA_CSKCB: SAMPLE_FACILITY,
    CAN_NANG: '52.5',
    NGAY_TAI_KHAM: '20261129',
    MA_HSBA: 'HSBA-2026-018842',
    MA_TTDV: '7901234567',
  };
}

const NO_OTHER_SOURCES = {
  T_NGUONKHAC_NSNN: '0',
  T_NGUONKHAC_VTNN: '0',
  T_NGUONKHAC_VTTN: '0',
  T_NGUONKHAC_CL: '0',
  T_NGUONKHAC: '0',
  T_BNTT: '0',
} as const;

function drug(stt: number, fields: Record<string, string>): XmlRow {
  return {
    MA_LK: SAMPLE_MA_LK,
    STT: String(stt),
    MA_NHOM: '4',
    PHAM_VI: '1',
    TYLE_TT_BH: '100',
    MUC_HUONG: '80',
    ...NO_OTHER_SOURCES,
    MA_KHOA: 'K03',
    MA_BAC_SI: '000123/HCM-CCHN',
    MA_PTTT: '1',
    NGUON_CTRA: '1',
    ...fields,
  };
}

export function sampleXml2(): XmlRow[] {
  return [
    drug(1, {
      MA_THUOC: '40.151',
      TEN_THUOC: 'Augmentin 1g',
      DON_VI_TINH: 'Viên',
      HAM_LUONG: '875mg + 125mg',
      DUONG_DUNG: '1.01',
      DANG_BAO_CHE: 'Viên nén bao phim',
      LIEU_DUNG: '1 viên/lần _ 2 lần/ngày _ 5 ngày [2 viên/ngày]',
      CACH_DUNG: 'Uống sau ăn',
      SO_DANG_KY: 'VN-21473-18',
      TT_THAU: '123/QĐ-SYT;G1;N1;2025',
      SO_LUONG: '10',
      DON_GIA: '15500',
      THANH_TIEN_BV: '155000',
      THANH_TIEN_BH: '155000',
      T_BNCCT: '31000',
      T_BHTT: '124000',
      NGAY_YL: '202611180930',
      NGAY_TH_YL: '202611181000',
    }),
    drug(2, {
      MA_THUOC: '40.16',
      TEN_THUOC: 'Paracetamol 500mg',
      DON_VI_TINH: 'Viên',
      HAM_LUONG: '500mg',
      DUONG_DUNG: '1.01',
      DANG_BAO_CHE: 'Viên nén',
      LIEU_DUNG: '1 viên/lần _ khi sốt trên 38,5°C, cách nhau ít nhất 4 giờ',
      CACH_DUNG: 'Uống',
      SO_DANG_KY: 'VD-25172-16',
      TT_THAU: '123/QĐ-SYT;G2;N4;2025',
      SO_LUONG: '6',
      DON_GIA: '350.5',
      THANH_TIEN_BV: '2103',
      THANH_TIEN_BH: '2103',
      T_BNCCT: '420.6',
      T_BHTT: '1682.4',
      NGAY_YL: '202611180930',
      NGAY_TH_YL: '202611181400',
    }),
    drug(3, {
      MA_THUOC: '40.998',
      TEN_THUOC: 'Natri clorid 0,9% 500ml',
      DON_VI_TINH: 'Chai',
      HAM_LUONG: '0,9% 500ml',
      DUONG_DUNG: '2.15',
      DANG_BAO_CHE: 'Dung dịch tiêm truyền',
      LIEU_DUNG: '1 chai/ngày _ 2 ngày',
      CACH_DUNG: 'Truyền tĩnh mạch XL giọt/phút',
      SO_DANG_KY: 'VD-23359-15',
      TT_THAU: '123/QĐ-SYT;G3;N4;2025',
      SO_LUONG: '2',
      DON_GIA: '9450.75',
      THANH_TIEN_BV: '18901.5',
      THANH_TIEN_BH: '18901.5',
      T_BNCCT: '3780.3',
      T_BHTT: '15121.2',
      NGAY_YL: '202611181000',
      NGAY_TH_YL: '202611181030',
    }),
  ];
}

function service(stt: number, fields: Record<string, string>): XmlRow {
  return {
    MA_LK: SAMPLE_MA_LK,
    STT: String(stt),
    PHAM_VI: '1',
    SO_LUONG: '1',
    TYLE_TT_DV: '100',
    TYLE_TT_BH: '100',
    MUC_HUONG: '80',
    ...NO_OTHER_SOURCES,
    MA_KHOA: 'K03',
    MA_BAC_SI: '000123/HCM-CCHN',
    MA_BENH: 'J15.9',
    MA_PTTT: '1',
    ...fields,
  };
}

export function sampleXml3(): XmlRow[] {
  return [
    service(1, {
      MA_DICH_VU: '02.1896',
      MA_NHOM: '13',
      TEN_DICH_VU: 'Khám Nội',
      DON_VI_TINH: 'Lần',
      DON_GIA_BV: '38700',
      DON_GIA_BH: '38700',
      THANH_TIEN_BV: '38700',
      THANH_TIEN_BH: '38700',
      T_BNCCT: '7740',
      T_BHTT: '30960',
      MA_KHOA: 'K01',
      NGAY_YL: '202611180815',
      NGAY_TH_YL: '202611180820',
    }),
    service(2, {
      MA_DICH_VU: '22.0120.1370',
      MA_NHOM: '1',
      TEN_DICH_VU: 'Tổng phân tích tế bào máu ngoại vi (bằng máy đếm laser)',
      DON_VI_TINH: 'Lần',
      DON_GIA_BV: '46200',
      DON_GIA_BH: '46200',
      THANH_TIEN_BV: '46200',
      THANH_TIEN_BH: '46200',
      T_BNCCT: '9240',
      T_BHTT: '36960',
      NGUOI_THUC_HIEN: '004567/HCM-CCHN',
      NGAY_YL: '202611180840',
      NGAY_TH_YL: '202611180900',
      NGAY_KQ: '202611181000',
      MA_MAY: 'XN.1.79010.003',
    }),
    service(3, {
      MA_DICH_VU: '18.0119.0028',
      MA_NHOM: '2',
      TEN_DICH_VU: 'Chụp X-quang ngực thẳng',
      DON_VI_TINH: 'Lần',
      DON_GIA_BV: '65400',
      DON_GIA_BH: '65400',
      THANH_TIEN_BV: '65400',
      THANH_TIEN_BH: '65400',
      T_BNCCT: '13080',
      T_BHTT: '52320',
      NGUOI_THUC_HIEN: '004890/HCM-CCHN',
      NGAY_YL: '202611180840',
      NGAY_TH_YL: '202611180910',
      NGAY_KQ: '202611180945',
      MA_MAY: 'XQ.1.79010.001',
    }),
    service(4, {
      MA_DICH_VU: 'K03.1941',
      MA_NHOM: '15',
      TEN_DICH_VU: 'Giường Nội khoa loại 1 Hạng II',
      DON_VI_TINH: 'Ngày',
      SO_LUONG: '4',
      DON_GIA_BV: '214400',
      DON_GIA_BH: '214400',
      THANH_TIEN_BV: '857600',
      THANH_TIEN_BH: '857600',
      T_BNCCT: '171520',
      T_BHTT: '686080',
      MA_GIUONG: 'H012',
      NGAY_YL: '202611180930',
    }),
    service(5, {
      MA_VAT_TU: 'N03.02.040',
      MA_NHOM: '10',
      TEN_VAT_TU: 'Bơm tiêm nhựa 5ml',
      DON_VI_TINH: 'Cái',
      SO_LUONG: '10',
      DON_GIA_BV: '850',
      DON_GIA_BH: '850',
      TT_THAU: '456/QĐ-BV;G2;N2;2025',
      THANH_TIEN_BV: '8500',
      THANH_TIEN_BH: '8500',
      T_BNCCT: '1700',
      T_BHTT: '6800',
      NGAY_YL: '202611181000',
      MA_HIEU_SP: 'VIKIMCO 5ml',
    }),
  ];
}

export function sampleXml4(): XmlRow[] {
  return [
    {
      MA_LK: SAMPLE_MA_LK,
      STT: '1',
      MA_DICH_VU: '22.0120.1370',
      MA_CHI_SO: 'HGB',
      TEN_CHI_SO: 'Huyết sắc tố',
      GIA_TRI: '128',
      DON_VI_DO: 'g/L',
      NGAY_KQ: '202611181000',
      MA_BS_DOC_KQ: '004567/HCM-CCHN',
    },
    {
      MA_LK: SAMPLE_MA_LK,
      STT: '2',
      MA_DICH_VU: '18.0119.0028',
      MO_TA: 'Đám mờ không đồng nhất thùy dưới phổi phải, góc sườn hoành hai bên nhọn',
      KET_LUAN: 'Hình ảnh viêm phổi thùy dưới phải',
      NGAY_KQ: '202611180945',
      MA_BS_DOC_KQ: '004890/HCM-CCHN',
    },
  ];
}

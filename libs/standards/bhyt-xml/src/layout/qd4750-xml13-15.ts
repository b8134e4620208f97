import { CARD_CODE, DISCHARGE_TYPE_CODES, FACILITY_CODE, GENDERS, TEN_DIGITS } from './code-lists';
import { DATE, MULTI, N, REQ, S, codes, date, dateTime, pattern } from './field-builders';
import type { TableSpec } from './types';

/**
 * The tables QĐ 4750 adds (spec §0, §1.1): XML13 referral letter, XML14 re-exam appointment, XML15 TB
 * treatment. Elements, types and widths from spec §1.11 (4750 appendix workbook [P*]; root names from the 2024
 * letter and agreeing code bases [P/C]). As for XML5–XML12, only MA_LK (and STT) is marked required [I].
 */

const BIRTH_DATETIME = { format: 'birth-datetime' } as const;
/** "Secondary ICD-10 codes, ';'-separated, max 12" (spec §1.7 item 27), applied to every MA_BENH_KT [I]. */
const SECONDARY_ICD = [MULTI, { maxItems: 12 }] as const;

export const QD4750_XML13: TableSpec = {
  id: 'XML13',
  title: 'BHYT referral letter',
  specSection: '§1.11',
  root: 'CHI_TIEU_GIAYCHUYENTUYEN',
  list: null,
  record: null,
  signatureSlot: false,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    S('SO_HOSO', 50),
    S('SO_CHUYENTUYEN', 50),
    S('GIAY_CHUYEN_TUYEN', 50),
    S('MA_CSKCB', 5, pattern(FACILITY_CODE)),
    S('MA_NOI_DI', 5, pattern(FACILITY_CODE)),
    S('MA_NOI_DEN', 5, pattern(FACILITY_CODE)),
    S('HO_TEN', 255),
    S('NGAY_SINH', 12, BIRTH_DATETIME),
    N('GIOI_TINH', 1, codes(GENDERS)),
    S('MA_QUOCTICH', 3),
    S('MA_DANTOC', 2),
    S('MA_NGHE_NGHIEP', 5),
    S('DIA_CHI', 1024),
    S('MA_THE_BHYT', null, MULTI, pattern(CARD_CODE)),
    S('GT_THE_DEN', null, MULTI, DATE),
    dateTime('NGAY_VAO'),
    dateTime('NGAY_VAO_NOI_TRU'),
    dateTime('NGAY_RA'),
    S('DAU_HIEU_LS', null),
    S('CHAN_DOAN_RV', null),
    S('QT_BENHLY', null),
    S('TOMTAT_KQ', null),
    S('PP_DIEUTRI', null),
    S('MA_BENH_CHINH', 7),
    S('MA_BENH_KT', 100, ...SECONDARY_ICD),
    S('MA_BENH_YHCT', 255),
    S('TEN_DICH_VU', 1024),
    S('TEN_THUOC', 1024),
    S('PP_DIEU_TRI', null),
    N('MA_LOAI_RV', 1, codes(DISCHARGE_TYPE_CODES)),
    N('MA_LYDO_CT', 1),
    S('HUONG_DIEU_TRI', null),
    S('PHUONGTIEN_VC', 255),
    S('HOTEN_NGUOI_HT', 255),
    S('CHUCDANH_NGUOI_HT', 255),
    S('MA_BAC_SI', 255, MULTI),
    S('MA_TTDV', 10, pattern(TEN_DIGITS)),
    S('DU_PHONG', null),
  ],
};

export const QD4750_XML14: TableSpec = {
  id: 'XML14',
  title: 'Re-exam appointment',
  specSection: '§1.11',
  root: 'CHI_TIEU_GIAYHEN_KHAMLAI',
  list: null,
  record: null,
  signatureSlot: false,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    S('SO_GIAYHEN_KL', 50),
    S('MA_CSKCB', 5, pattern(FACILITY_CODE)),
    S('HO_TEN', 255),
    S('NGAY_SINH', 12, BIRTH_DATETIME),
    N('GIOI_TINH', 1, codes(GENDERS)),
    S('DIA_CHI', 1024),
    S('MA_THE_BHYT', null, MULTI, pattern(CARD_CODE)),
    S('GT_THE_DEN', null, MULTI, DATE),
    dateTime('NGAY_VAO'),
    dateTime('NGAY_VAO_NOI_TRU'),
    dateTime('NGAY_RA'),
    // S12 like the time points, but an appointment is often a day: accept both forms [I].
    S('NGAY_HEN_KL', 12, { format: 'date-or-datetime' }),
    S('CHAN_DOAN_RV', null),
    S('MA_BENH_CHINH', 7),
    S('MA_BENH_KT', 100, ...SECONDARY_ICD),
    S('MA_BENH_YHCT', 255),
    S('MA_DOITUONG_KCB', 4),
    S('MA_BAC_SI', 255, MULTI),
    S('MA_TTDV', 10, pattern(TEN_DIGITS)),
    date('NGAY_CT'),
    S('DU_PHONG', null),
  ],
};

export const QD4750_XML15: TableSpec = {
  id: 'XML15',
  title: 'TB treatment detail',
  specSection: '§1.11',
  root: 'CHI_TIEU_DIEUTRI_BENHLAO',
  list: 'DSACH_CHITIET_DIEUTRI_BENHLAO',
  record: 'CHITIET_DIEUTRI_BENHLAO',
  signatureSlot: false,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    N('STT', 10, REQ),
    S('MA_BN', 100),
    S('HO_TEN', 255),
    N('SO_CCCD', 15),
    N('PHANLOAI_LAO_VITRI', 1),
    N('PHANLOAI_LAO_TS', 1),
    N('PHANLOAI_LAO_HIV', 1),
    N('PHANLOAI_LAO_VK', 1),
    N('PHANLOAI_LAO_KT', 1),
    N('LOAI_DTRI_LAO', 1),
    date('NGAYBD_DTRI_LAO'),
    N('PHACDO_DTRI_LAO', 2),
    date('NGAYKT_DTRI_LAO'),
    N('KET_QUA_DTRI_LAO', 1),
    S('MA_CSKCB', 5, pattern(FACILITY_CODE)),
    date('NGAYKD_HIV'),
    date('BDDT_ARV'),
    date('NGAY_BAT_DAU_DT_CTX'),
    S('DU_PHONG', null),
  ],
};

import {
  ANAESTHESIA_METHODS,
  BED_CODE,
  COST_GROUPS_QD130,
  FLAG_ONE,
  PAYMENT_METHODS,
  SCOPES,
  SUPPLY_PACKAGE,
} from './code-lists';
import {
  MULTI,
  N,
  PERCENT,
  PRICE,
  QUANTITY,
  REQ,
  S,
  amount,
  codes,
  dateTime,
  pattern,
} from './field-builders';
import type { TableSpec } from './types';

/**
 * XML3, services and medical supplies (`CHITIEU_CHITIET_DVKT_VTYT` → `DSACH_CHI_TIET_DVKT` → `CHI_TIET_DVKT`),
 * as QĐ 130 defined it: spec §1.9 with the 130 columns (TT_THAU 25 and MA_KHOA 20 wide; MA_NHOM without 19)
 * [P*].
 *
 * MA_DICH_VU and MA_VAT_TU are both optional here: a supply line outside a procedure has no service code
 * (XML3 notes); "one of the two" is a rule (rules.ts). Conditional requirements (TT_THAU for group 10,
 * MA_XANG_DAU for 12, NGUOI_THUC_HIEN and NGAY_TH_YL for 1/2/3/8/18) are rules too. Required otherwise
 * [I, from the row meanings and §1.12]: keys, group, scope, quantity, both prices and both ratios, every amount
 * except the optional package ceiling T_TRANTT, MUC_HUONG, department, orderer, order time, payment method.
 */
export const QD130_XML3: TableSpec = {
  id: 'XML3',
  title: 'Services and medical supplies',
  specSection: '§1.9',
  root: 'CHITIEU_CHITIET_DVKT_VTYT',
  list: 'DSACH_CHI_TIET_DVKT',
  record: 'CHI_TIET_DVKT',
  signatureSlot: false,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    N('STT', 10, REQ),
    S('MA_DICH_VU', 50),
    S('MA_PTTT_QT', 255, MULTI),
    S('MA_VAT_TU', 255),
    N('MA_NHOM', 2, REQ, codes(COST_GROUPS_QD130)),
    S('GOI_VTYT', 3, pattern(SUPPLY_PACKAGE)),
    S('TEN_VAT_TU', 1024),
    S('TEN_DICH_VU', 1024),
    S('MA_XANG_DAU', 20),
    S('DON_VI_TINH', 50),
    N('PHAM_VI', 1, REQ, codes(SCOPES)),
    N('SO_LUONG', 10, REQ, QUANTITY),
    N('DON_GIA_BV', 15, REQ, PRICE),
    N('DON_GIA_BH', 15, REQ, PRICE),
    S('TT_THAU', 25),
    N('TYLE_TT_DV', 3, REQ, PERCENT),
    N('TYLE_TT_BH', 3, REQ, PERCENT),
    amount('THANH_TIEN_BV'),
    amount('THANH_TIEN_BH'),
    // The supply-package ceiling "if any" (item 21): the one optional amount.
    N('T_TRANTT', 15, { format: 'amount' }),
    N('MUC_HUONG', 3, REQ, PERCENT),
    amount('T_NGUONKHAC_NSNN'),
    amount('T_NGUONKHAC_VTNN'),
    amount('T_NGUONKHAC_VTTN'),
    amount('T_NGUONKHAC_CL'),
    amount('T_NGUONKHAC'),
    amount('T_BNTT'),
    amount('T_BNCCT'),
    amount('T_BHTT'),
    S('MA_KHOA', 20, REQ),
    S('MA_GIUONG', 50, MULTI, pattern(BED_CODE)),
    S('MA_BAC_SI', 255, MULTI, REQ),
    S('NGUOI_THUC_HIEN', 255, MULTI),
    S('MA_BENH', 100, MULTI),
    S('MA_BENH_YHCT', 255),
    dateTime('NGAY_YL', REQ),
    dateTime('NGAY_TH_YL'),
    dateTime('NGAY_KQ'),
    N('MA_PTTT', 1, REQ, codes(PAYMENT_METHODS)),
    N('VET_THUONG_TP', 1, codes(FLAG_ONE)),
    N('PP_VO_CAM', 1, codes(ANAESTHESIA_METHODS)),
    N('VI_TRI_TH_DVKT', 3),
    S('MA_MAY', 1024),
    S('MA_HIEU_SP', 255),
    N('TAI_SU_DUNG', 1, codes(FLAG_ONE)),
    S('DU_PHONG', null),
  ],
};

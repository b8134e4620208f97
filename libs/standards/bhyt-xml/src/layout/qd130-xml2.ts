import {
  COST_GROUPS_QD130,
  DRUG_SOURCE_FACILITY,
  FLAG_ONE,
  FUNDING_SOURCES,
  PAYMENT_METHODS,
  SCOPES,
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
 * XML2, drugs (`CHITIEU_CHITIET_THUOC` → `DSACH_CHI_TIET_THUOC` → `CHI_TIET_THUOC`), as QĐ 130 defined it:
 * spec §1.8 with the 130 columns (MA_KHOA 15 wide; no NGAY_TH_YL, which the 2024 letter adds) [P*].
 *
 * Required [I, from the row meanings and the money rules of §1.12]: keys, the drug (code, group, name, unit),
 * scope, ratio, quantity and price, every amount, MUC_HUONG, department, prescriber, order time and payment
 * method. TT_THAU is required except for blood groups 7 and 17: a rule (rules.ts), not a flag.
 */
export const QD130_XML2: TableSpec = {
  id: 'XML2',
  title: 'Drugs',
  specSection: '§1.8',
  root: 'CHITIEU_CHITIET_THUOC',
  list: 'DSACH_CHI_TIET_THUOC',
  record: 'CHI_TIET_THUOC',
  signatureSlot: false,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    N('STT', 10, REQ),
    S('MA_THUOC', 255, REQ),
    S('MA_PP_CHEBIEN', 255),
    S('MA_CSKCB_THUOC', 10, pattern(DRUG_SOURCE_FACILITY)),
    N('MA_NHOM', 2, REQ, codes(COST_GROUPS_QD130)),
    S('TEN_THUOC', 1024, REQ),
    S('DON_VI_TINH', 50, REQ),
    S('HAM_LUONG', 1024),
    S('DUONG_DUNG', 4),
    S('DANG_BAO_CHE', 1024),
    S('LIEU_DUNG', 1024),
    S('CACH_DUNG', 1024),
    S('SO_DANG_KY', 255),
    // "decision no.;package;group;year": one value made of ';'-separated parts, not a list (item 15).
    S('TT_THAU', 50),
    N('PHAM_VI', 1, REQ, codes(SCOPES)),
    N('TYLE_TT_BH', 3, REQ, PERCENT),
    N('SO_LUONG', 10, REQ, QUANTITY),
    N('DON_GIA', 15, REQ, PRICE),
    amount('THANH_TIEN_BV'),
    amount('THANH_TIEN_BH'),
    amount('T_NGUONKHAC_NSNN'),
    amount('T_NGUONKHAC_VTNN'),
    amount('T_NGUONKHAC_VTTN'),
    amount('T_NGUONKHAC_CL'),
    amount('T_NGUONKHAC'),
    N('MUC_HUONG', 3, REQ, PERCENT),
    amount('T_BNTT'),
    amount('T_BNCCT'),
    amount('T_BHTT'),
    S('MA_KHOA', 15, REQ),
    // Tele-consultation: "remote doctor;dispenser" (item 32).
    S('MA_BAC_SI', 255, MULTI, REQ),
    S('MA_DICH_VU', 255, MULTI),
    dateTime('NGAY_YL', REQ),
    N('MA_PTTT', 1, REQ, codes(PAYMENT_METHODS)),
    N('NGUON_CTRA', 1, codes(FUNDING_SOURCES)),
    N('VET_THUONG_TP', 1, codes(FLAG_ONE)),
    S('DU_PHONG', null),
  ],
};

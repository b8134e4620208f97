import { CARD_CODE, FACILITY_CODE, GENDERS, VISIT_TYPES_QD824 } from './code-lists';
import { N, REQ, S, codes, date, dateTime, pattern } from './field-builders';
import type { TableSpec } from './types';

/**
 * The check-in table ("XML0", `CHI_TIEU_TRANG_THAI_KCB`) as QĐ 130 defined it: the rows of the spec §1.6 table
 * that are not marked "new in 4750", with the "Type (130)" and "Max (130)" columns [P*]. The order is the 2024
 * BHXH skeleton's with the 4750 additions left out [P / I]. The check-in root ends with `<CHUKYDONVI/>`, the
 * only table document that does (spec §1.2 [P]).
 *
 * Required: the episode key, row number and patient identity, the visit's type, category, facility and arrival,
 * and the order time of the first cost item that triggers the check-in (spec §1.1 "immediately after the first
 * KCB cost"; §1.6 items 1–7, 12, 13, 17, 18, 25) [I: the appendix marks no column "required"].
 */
export const QD130_XML0: TableSpec = {
  id: 'XML0',
  title: 'Check-in (visit status)',
  specSection: '§1.6',
  root: 'CHI_TIEU_TRANG_THAI_KCB',
  list: 'DSACH_TRANG_THAI_KCB',
  record: 'TRANG_THAI_KCB',
  signatureSlot: true,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    N('STT', 10, REQ),
    S('MA_BN', 100, REQ),
    S('HO_TEN', 255, REQ),
    N('SO_CCCD', 15),
    S('NGAY_SINH', 12, REQ, { format: 'birth-datetime' }),
    N('GIOI_TINH', 1, REQ, codes(GENDERS)),
    S('MA_THE_BHYT', 15, pattern(CARD_CODE)),
    S('MA_DKBD', 5, pattern(FACILITY_CODE)),
    date('GT_THE_TU'),
    date('GT_THE_DEN'),
    N('MA_DOITUONG_KCB', 1, REQ),
    dateTime('NGAY_VAO', REQ),
    N('MA_LOAI_KCB', 2, REQ, codes(VISIT_TYPES_QD824)),
    S('MA_CSKCB', 5, REQ, pattern(FACILITY_CODE)),
    S('MA_DICH_VU', 50),
    S('TEN_DICH_VU', 1024),
    dateTime('NGAY_YL', REQ),
  ],
};

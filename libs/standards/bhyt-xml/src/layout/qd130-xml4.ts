import { N, REQ, S, dateTime } from './field-builders';
import type { TableSpec } from './types';

/**
 * XML4, paraclinical results (`CHITIEU_CHITIET_DICHVUCANLAMSANG` → `DSACH_CHI_TIET_CLS` → `CHI_TIET_CLS`), spec
 * §1.10 [P*]; QĐ 4750 only reworded rows, so this definition stands unchanged in every version. Sent only when
 * paraclinical services were done. NGAY_KQ is required when GIA_TRI is set: a rule (rules.ts).
 */
export const QD130_XML4: TableSpec = {
  id: 'XML4',
  title: 'Paraclinical results',
  specSection: '§1.10',
  root: 'CHITIEU_CHITIET_DICHVUCANLAMSANG',
  list: 'DSACH_CHI_TIET_CLS',
  record: 'CHI_TIET_CLS',
  signatureSlot: false,
  sentByHis: true,
  fields: [
    S('MA_LK', 100, REQ),
    N('STT', 10, REQ),
    S('MA_DICH_VU', 15, REQ),
    S('MA_CHI_SO', 50),
    S('TEN_CHI_SO', 255),
    S('GIA_TRI', 50),
    S('DON_VI_DO', 50),
    S('MO_TA', null),
    S('KET_LUAN', null),
    dateTime('NGAY_KQ'),
    S('MA_BS_DOC_KQ', 255),
    S('DU_PHONG', null),
  ],
};

import { BLOOD_GROUP, CITIZEN_ID, COST_GROUPS_QD4750, TREATMENT_OUTCOMES_QD4750 } from './code-lists';
import { S, dateTime, pattern } from './field-builders';
import { TO_STRING, codeChange, type FieldChange, type LayoutPatch } from './patch';
import { QD4750_XML13, QD4750_XML14, QD4750_XML15 } from './qd4750-xml13-15';

/**
 * QĐ 4750/QĐ-BYT (29/12/2023), in force 01/07/2024 (spec §0: content [P*], dates [S]). It replaced the appendix
 * tables of QĐ 130; the spec's tables §1.6–§1.10 give each row's 130 value and its 4750 change, and this patch
 * is exactly the rows with a change in the "4750 change" column that affect the layout (type, width, new
 * element, code list). Reworded guidance ("wording corrected", "guidance added") changes no element.
 *
 * NHOM_MAU (XML1) and NGAY_TH_YL (XML2) are here because the 2024 BHXH letter 1245 for 4750 already contains
 * them [P]; a secondary source dates them to QĐ 3176 (spec §1.7).
 *
 * The SO_CCCD pattern (9 or 12 digits, or a capital letter + 7 digits) is the rule of the QĐ 4750 validation
 * workbook (spec §1.5 [S]); under QĐ 130 the field was a number, which the passport form contradicts.
 */

/** SO_CCCD becomes a string (4750) checked by the portal pattern. */
const CITIZEN_ID_STRING: FieldChange = { ...TO_STRING, pattern: CITIZEN_ID };

export const QD4750_PATCH: LayoutPatch = {
  id: 'QD4750',
  title: 'QĐ 4750/QĐ-BYT (29/12/2023)',
  effectiveFrom: '2024-07-01',
  basis: 'QĐ 4750 appendix workbook [P*]; BHXH letter 1245/BHXH-CNTT (2024) [P]; dates [S]',
  changes: [
    'XML0 (check-in) redefined: SO_CCCD, MA_DOITUONG_KCB (width 4) and MA_LOAI_KCB become strings; new NGAY_VAO_NOI_TRU, LY_DO_VNT, MA_LY_DO_VNT, MA_THUOC, TEN_THUOC, MA_VAT_TU, TEN_VAT_TU, DU_PHONG (spec §1.6)',
    'XML1: new NHOM_MAU after GIOI_TINH; SO_CCCD, MA_QUOCTICH, MA_DANTOC, MA_NGHE_NGHIEP, DIEN_THOAI, MA_LOAI_KCB become strings; MA_DOITUONG_KCB width 3 → 4; KET_QUA_DTRI adds 8 (spec §1.7)',
    'XML2: MA_KHOA width 15 → 50; new NGAY_TH_YL after NGAY_YL; MA_NHOM adds 19 (spec §1.8)',
    'XML3: TT_THAU width 25 → 50; MA_KHOA width 20 → 50; MA_NHOM adds 19 (spec §1.9)',
    'XML8: KET_QUA_DTRI adds 8 (same code list as XML1)',
    'New tables XML13 (referral letter), XML14 (re-exam appointment), XML15 (TB treatment) (spec §1.1, §1.11)',
    'Envelope: xmlns:xsi / xmlns:xsd declared on GIAMDINHHS; XML13–XML15 may be sent (spec §1.2)',
  ],
  tables: {
    XML0: {
      change: {
        SO_CCCD: CITIZEN_ID_STRING,
        MA_DOITUONG_KCB: { ...TO_STRING, maxLength: 4 },
        MA_LOAI_KCB: TO_STRING,
      },
      insert: [
        {
          after: 'NGAY_VAO',
          fields: [dateTime('NGAY_VAO_NOI_TRU'), S('LY_DO_VNT', null), S('MA_LY_DO_VNT', 5)],
        },
        {
          after: 'TEN_DICH_VU',
          fields: [S('MA_THUOC', 255), S('TEN_THUOC', 1024), S('MA_VAT_TU', 255), S('TEN_VAT_TU', 1024)],
        },
        { after: 'NGAY_YL', fields: [S('DU_PHONG', null)] },
      ],
    },
    XML1: {
      change: {
        SO_CCCD: CITIZEN_ID_STRING,
        MA_QUOCTICH: TO_STRING,
        MA_DANTOC: TO_STRING,
        MA_NGHE_NGHIEP: TO_STRING,
        DIEN_THOAI: TO_STRING,
        MA_DOITUONG_KCB: { maxLength: 4 },
        MA_LOAI_KCB: TO_STRING,
        KET_QUA_DTRI: codeChange(TREATMENT_OUTCOMES_QD4750),
      },
      insert: [{ after: 'GIOI_TINH', fields: [S('NHOM_MAU', 5, pattern(BLOOD_GROUP))] }],
    },
    XML2: {
      change: { MA_KHOA: { maxLength: 50 }, MA_NHOM: codeChange(COST_GROUPS_QD4750) },
      insert: [{ after: 'NGAY_YL', fields: [dateTime('NGAY_TH_YL')] }],
    },
    XML3: {
      change: {
        TT_THAU: { maxLength: 50 },
        MA_KHOA: { maxLength: 50 },
        MA_NHOM: codeChange(COST_GROUPS_QD4750),
      },
    },
    XML8: { change: { KET_QUA_DTRI: codeChange(TREATMENT_OUTCOMES_QD4750) } },
    XML13: { add: QD4750_XML13 },
    XML14: { add: QD4750_XML14 },
    XML15: { add: QD4750_XML15 },
  },
  envelope: {
    declareNamespaces: true,
    tables: [
      'XML1',
      'XML2',
      'XML3',
      'XML4',
      'XML5',
      'XML6',
      'XML7',
      'XML8',
      'XML9',
      'XML10',
      'XML11',
      'XML13',
      'XML14',
      'XML15',
    ],
  },
};

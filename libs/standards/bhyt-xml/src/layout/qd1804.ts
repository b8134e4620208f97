import { VISIT_TYPES_QD1804 } from './code-lists';
import { codeChange, type LayoutPatch } from './patch';

/**
 * QĐ 1804/QĐ-BYT (19/06/2026), a code-list decision rather than a layout one: from 01/08/2026 MA_LOAI_KCB has
 * 16 codes (01–16) instead of the QĐ 824/2023 list (spec §1.12 [S]). Its department codes (App. 02) are a
 * catalogue the caller checks (checkRows option `isKnownDepartment`), not part of the layout.
 */
export const QD1804_PATCH: LayoutPatch = {
  id: 'QD1804',
  title: 'QĐ 1804/QĐ-BYT (19/06/2026), MA_LOAI_KCB code list',
  effectiveFrom: '2026-08-01',
  basis: 'QĐ 1804 as summarised by a secondary source [S]',
  changes: ['MA_LOAI_KCB (XML0, XML1, XML8): codes 01–16 instead of 01–10 (spec §1.12)'],
  tables: {
    XML0: { change: { MA_LOAI_KCB: codeChange(VISIT_TYPES_QD1804) } },
    XML1: { change: { MA_LOAI_KCB: codeChange(VISIT_TYPES_QD1804) } },
    XML8: { change: { MA_LOAI_KCB: codeChange(VISIT_TYPES_QD1804) } },
  },
};

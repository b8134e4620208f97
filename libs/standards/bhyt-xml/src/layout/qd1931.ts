import type { LayoutPatch } from './patch';

/**
 * QĐ 1931/QĐ-BYT (29/06/2026), from 01/07/2026: MUC_HUONG up to 4 characters (spec §0, §1.8 item 27 [S],
 * single press source), so fractional benefit levels such as 47.5 (95 × 50%) fit (§1.12 [S + I]). The spec
 * names MUC_HUONG in XML2 and XML3, the two tables that carry it. The decision's new SO_DANG_KY rule for rare
 * drugs imported under a provincial licence is not described in the spec and is not modelled.
 */
export const QD1931_PATCH: LayoutPatch = {
  id: 'QD1931',
  title: 'QĐ 1931/QĐ-BYT (29/06/2026)',
  effectiveFrom: '2026-07-01',
  basis: 'QĐ 1931 as reported by a single press source [S]',
  changes: ['XML2 and XML3: MUC_HUONG width 3 → 4 (spec §1.8 item 27, §1.12)'],
  tables: {
    XML2: { change: { MUC_HUONG: { maxLength: 4 } } },
    XML3: { change: { MUC_HUONG: { maxLength: 4 } } },
  },
};

import { parseCalendarDate, type Failure } from '@hosp/standards-bhyt';
import { applyPatch, type LayoutPatch } from './patch';
import { QD130 } from './qd130';
import { QD1804_PATCH } from './qd1804';
import { QD1931_PATCH } from './qd1931';
import { QD3176_PATCH } from './qd3176';
import { QD4750_PATCH } from './qd4750';
import type { Layout, LayoutId, TableDef, TableId } from './types';

/**
 * The chain of versions, oldest first: QĐ 130 as the base, then each decision as a patch of the one before
 * (spec §0). Every version is assembled once, at module load; a patch that names a missing field throws here.
 *
 *   QD130   2023-09-01  base (check-in + XML1–XML12)
 *   QD4750  2024-07-01  new tables XML13–15, check-in redefined, types and widths
 *   QD3176  2025-01-01  identical to 4750 (appendix not read)
 *   QD1931  2026-07-01  MUC_HUONG width 4
 *   QD1804  2026-08-01  MA_LOAI_KCB 01–16
 */
export const LAYOUT_PATCHES: readonly LayoutPatch[] = [
  QD4750_PATCH,
  QD3176_PATCH,
  QD1931_PATCH,
  QD1804_PATCH,
];

export const LAYOUTS: readonly Layout[] = LAYOUT_PATCHES.reduce<Layout[]>(
  (chain, patch) => [...chain, applyPatch(chain[chain.length - 1], patch)],
  [QD130],
);

export type LayoutErrorCode = 'DATE_FORMAT' | 'DATE_INVALID' | 'BEFORE_FIRST_LAYOUT';
export type LayoutResult = { readonly ok: true; readonly layout: Layout } | Failure<LayoutErrorCode>;

/**
 * The layout in force on `onDate` ('YYYY-MM-DD'; 'yyyymmdd' is accepted too): the newest version whose
 * effectiveFrom is on or before that day. Which date decides is the caller's rule (spec §1.13: keep the
 * historical layouts "per visit date", so a claim can be regenerated as it was).
 */
export function layoutFor(onDate: string): LayoutResult {
  const day = parseCalendarDate(onDate);
  if (!day.ok) return day;
  let found: Layout | undefined;
  for (const layout of LAYOUTS) if (layout.effectiveFrom <= day.value) found = layout;
  if (!found) {
    return {
      ok: false,
      code: 'BEFORE_FIRST_LAYOUT',
      reason: `no XML 130 layout is in force on ${day.value}: QĐ 130 took effect on ${LAYOUTS[0].effectiveFrom} (earlier claims used QĐ 4210, spec §0)`,
    };
  }
  return { ok: true, layout: found };
}

export function layoutById(id: LayoutId): Layout {
  const layout = LAYOUTS.find((l) => l.id === id);
  if (!layout) throw new RangeError(`unknown layout ${id}`);
  return layout;
}

/** The definition of one table in a layout; throws for a table the version does not have (XML13 in QD130). */
export function tableDef(layout: Layout, id: TableId): TableDef {
  const table = layout.tables[id];
  if (!table) throw new RangeError(`${layout.id} defines no table ${id}`);
  return table;
}

import type { LayoutPatch } from './patch';

/**
 * QĐ 3176/QĐ-BYT (29/10/2024), the "temporary" amendment of the 4750 tables, applied from 01/01/2025 (spec §0
 * [S]). Its appendix was NOT read (spec §7), so this version is deliberately identical to QĐ 4750: it exists
 * as its own entry so that claims dated from 01/01/2025 are labelled with the decision actually in force (the
 * BHXH endpoints are named …QD3176), and so that the changes can be filled in here, in one place, once the
 * appendix or the portal XSD has been read.
 */
export const QD3176_PATCH: LayoutPatch = {
  id: 'QD3176',
  title: 'QĐ 3176/QĐ-BYT (29/10/2024)',
  effectiveFrom: '2025-01-01',
  basis: 'QĐ 3176 dates [S]; appendix not read: layout kept identical to QĐ 4750 [I]',
  changes: ['None recorded: the QĐ 3176 appendix was not read (spec §7); identical to QĐ 4750'],
  tables: {},
};

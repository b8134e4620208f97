import { stampTable } from './patch';
import { QD130_XML0 } from './qd130-xml0';
import { QD130_XML1 } from './qd130-xml1';
import { QD130_XML2 } from './qd130-xml2';
import { QD130_XML3 } from './qd130-xml3';
import { QD130_XML4 } from './qd130-xml4';
import {
  QD130_XML10,
  QD130_XML11,
  QD130_XML12,
  QD130_XML5,
  QD130_XML6,
  QD130_XML7,
  QD130_XML8,
  QD130_XML9,
} from './qd130-xml5-12';
import type { Layout, TableDef, TableId } from './types';

/**
 * The base version: QĐ 130/QĐ-BYT of 18/01/2023 (spec §0): the check-in table and XML1–XML12, in force
 * 01/09/2023 per the decision itself [P]. A secondary source says QĐ 4750 moved that date to 01/07/2024 [S], the
 * day 4750 itself took over, so in practice this layout served the 2023–2024 trials (BHXH letter 3190); visits
 * in between may have been claimed under QĐ 4210, which this library does not produce.
 *
 * Envelope: the 2023 letter shows GIAMDINHHS without namespace declarations and lists XML1–XML11 (spec §1.2 [P]).
 */
const TABLES = [
  QD130_XML0,
  QD130_XML1,
  QD130_XML2,
  QD130_XML3,
  QD130_XML4,
  QD130_XML5,
  QD130_XML6,
  QD130_XML7,
  QD130_XML8,
  QD130_XML9,
  QD130_XML10,
  QD130_XML11,
  QD130_XML12,
];

export const QD130: Layout = {
  id: 'QD130',
  title: 'QĐ 130/QĐ-BYT (18/01/2023)',
  effectiveFrom: '2023-09-01',
  basis: 'QĐ 130/QĐ-BYT [P]; table columns "Type (130)" / "Max (130)" of the QĐ 4750 appendix workbook [P*]',
  changes: [],
  tables: Object.fromEntries(TABLES.map((spec) => [spec.id, stampTable(spec, 'QD130')])) as Partial<
    Record<TableId, TableDef>
  >,
  envelope: {
    declareNamespaces: false,
    tables: ['XML1', 'XML2', 'XML3', 'XML4', 'XML5', 'XML6', 'XML7', 'XML8', 'XML9', 'XML10', 'XML11'],
  },
};

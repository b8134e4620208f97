/**
 * @hosp/standards-bhyt-xml: the XML of the Vietnamese BHYT claims standard (QĐ 130/QĐ-BYT as amended by QĐ 4750,
 * 3176, 1931 and 1804): the table layouts as versioned data with effective dates, the writer, the GIAMDINHHS
 * envelope, XSDs written from the layouts, row checks with located errors, strict readers for files from
 * outside, and the facility's XML-DSig signature in CHUKYDONVI. No framework, no I/O.
 */
export {
  layoutFor,
  layoutById,
  tableDef,
  LAYOUTS,
  LAYOUT_PATCHES,
  type LayoutErrorCode,
  type LayoutResult,
} from './layout/versions';
export {
  TABLE_IDS,
  isTableId,
  type TableId,
  type LayoutId,
  type Layout,
  type TableDef,
  type FieldDef,
  type FieldType,
  type FieldFormat,
} from './layout/types';
export { checkRows, type CheckRowsOptions } from './layout/check-rows';
export { checkTotals } from './layout/check-totals';
export type { LocatedError, CheckCode } from './layout/located-error';
export { writeTable, XmlWriteError, XML_DECLARATION, type XmlRow } from './xml/write-table';
export {
  buildEnvelope,
  readEnvelope,
  type EnvelopeFile,
  type EnvelopeInput,
  type EnvelopeContent,
  type ReadEnvelopeResult,
  type ReadEnvelopeErrorCode,
  type ReadEnvelopeOptions,
} from './xml/envelope';
export {
  readTable,
  type ReadOptions,
  type ReadRow,
  type ReadTableResult,
  type ReadTableErrorCode,
} from './xml/read-table';
export { tableXsd, envelopeXsd } from './xml/xsd';
export * from './signing';

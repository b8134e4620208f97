import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { dcmjs, type DcmjsDict } from './dcmjs';
import { BINARY_VRS, type DicomAttribute, type DicomJson, type DicomValue, str, Tag } from './dicom-json';
import { buildFileMetaHeader } from './part10';
import { DimseStatus } from './status';
import { TransferSyntax } from './uids';

/** Why a data set cannot be accepted, with the C-STORE status that says so (PS3.4 B.2.3). */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly status: number = DimseStatus.CannotUnderstand,
  ) {
    super(message);
  }
}

export interface ReadDataset {
  /** Every attribute before Pixel Data as DICOM JSON, strings decoded, bulk data left out. */
  header: DicomJson;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/** Binary values up to this size stay in the header (InlineBinary); larger ones are bulk data. */
const INLINE_BINARY_MAX = 256;

/**
 * Reads a data set the way it arrived (the bytes after the File Meta Information, in `transferSyntaxUid`):
 * first its whole structure, Pixel Data included, with dicom-parser, so that a truncated object or a length
 * that runs past the end is refused (0xC000) instead of stored; then the header with dcmjs, which decodes the
 * strings by Specific Character Set (UTF-8 Vietnamese names) into DICOM JSON.
 */
export function readDataset(dataset: Uint8Array, transferSyntaxUid: string): ReadDataset {
  if (dataset.length === 0) throw new DatasetError('empty data set');
  let bytes = Buffer.from(dataset.buffer, dataset.byteOffset, dataset.byteLength);
  let ts = transferSyntaxUid;
  if (ts === TransferSyntax.DeflatedExplicitVRLittleEndian) {
    try {
      bytes = inflateRawSync(bytes);
    } catch (err) {
      throw new DatasetError(`deflated data set does not inflate: ${(err as Error).message}`);
    }
    ts = TransferSyntax.ExplicitVRLittleEndian;
  }
  checkStructure(bytes, ts);
  const header = readHeader(bytes, ts);
  const required = {
    sopClassUid: str(header, Tag.SOPClassUID),
    sopInstanceUid: str(header, Tag.SOPInstanceUID),
    studyInstanceUid: str(header, Tag.StudyInstanceUID),
    seriesInstanceUid: str(header, Tag.SeriesInstanceUID),
  };
  const missing = Object.entries(required).filter(([, v]) => !v);
  if (missing.length)
    throw new DatasetError(
      `data set has no ${missing.map(([k]) => k.replace(/^./, (c) => c.toUpperCase())).join(', ')}`,
      DimseStatus.DataSetDoesNotMatchSopClass,
    );
  return { header, ...(required as Omit<ReadDataset, 'header'>) };
}

function checkStructure(bytes: Buffer, ts: string): void {
  try {
    const parsed = dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
      TransferSyntaxUID: ts,
    });
    // dicom-parser reads an undefined-length element to the end of the buffer when its delimiter is missing,
    // and says so only in a warning.
    const overrun = (parsed.warnings ?? []).find((w) => /eof|end of (buffer|stream)|delimit/i.test(w));
    if (overrun) throw new Error(overrun);
    // Its implicit VR reader does not check that the last element's value fits in the buffer.
    checkLengths(parsed, bytes.length);
  } catch (err) {
    const reason =
      err instanceof Error ? err.message : String((err as { exception?: string }).exception ?? err);
    throw new DatasetError(`data set cannot be parsed (truncated or malformed): ${reason}`);
  }
}

function checkLengths(ds: dicomParser.DataSet, end: number): void {
  for (const el of Object.values(ds.elements)) {
    if (el.dataOffset + el.length > end)
      throw new Error(
        `element ${el.tag} declares ${el.length} bytes at offset ${el.dataOffset}, past the end (${end})`,
      );
    for (const item of el.items ?? []) if (item.dataSet) checkLengths(item.dataSet, end);
  }
}

function readHeader(bytes: Buffer, ts: string): DicomJson {
  // dcmjs reads Part 10 files only; give it the data set behind a meta header.
  const file = Buffer.concat([
    buildFileMetaHeader({
      mediaStorageSopClassUid: '',
      mediaStorageSopInstanceUid: '',
      transferSyntaxUid: ts,
    }),
    bytes,
  ]);
  try {
    const { dict } = dcmjs.data.DicomMessage.readFile(
      file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer,
      { untilTag: Tag.PixelData, includeUntilTagValue: false },
    );
    return toDicomJson(dict);
  } catch (err) {
    throw new DatasetError(`data set header cannot be decoded: ${(err as Error).message}`);
  }
}

/** dcmjs's dictionary to DICOM JSON: binary as InlineBinary (small) or left out (bulk), sequences recursed. */
export function toDicomJson(dict: DcmjsDict): DicomJson {
  const out: DicomJson = {};
  for (const [tag, el] of Object.entries(dict)) {
    const key = tag.toUpperCase();
    if (key === Tag.PixelData) continue;
    const a: DicomAttribute = { vr: el.vr };
    if (el.InlineBinary !== undefined) a.InlineBinary = el.InlineBinary;
    const values = el.Value ?? [];
    if (BINARY_VRS.has(el.vr)) {
      const bytes = values.flatMap((v) => (v instanceof ArrayBuffer ? [Buffer.from(v)] : []));
      const total = bytes.reduce((n, b) => n + b.length, 0);
      if (total > INLINE_BINARY_MAX) continue;
      if (total > 0) a.InlineBinary = Buffer.concat(bytes).toString('base64');
    } else if (values.length) {
      const converted = values
        .map((v): DicomValue | undefined => {
          if (v === null || v === undefined) return undefined;
          if (el.vr === 'SQ') return toDicomJson(v as DcmjsDict);
          if (typeof v === 'object') return v as DicomValue;
          if (typeof v === 'string') return v.replace(/[\0 ]+$/, '');
          return v as number;
        })
        .filter((v): v is DicomValue => v !== undefined);
      if (converted.length && !(converted.length === 1 && converted[0] === '')) a.Value = converted;
    }
    out[key] = a;
  }
  return out;
}

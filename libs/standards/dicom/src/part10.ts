import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uids';

/**
 * DICOM Part 10 files (PS3.10 §7): a 128-byte preamble, "DICM", the File Meta Information (group 0002,
 * always Explicit VR Little Endian) and then the data set in its transfer syntax. The archive writes the data
 * set exactly as it arrived over the network behind a meta header of its own, and reads the meta header of a
 * file it is given (STOW-RS) to find where the data set starts.
 */
export interface FileMeta {
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  transferSyntaxUid: string;
  implementationClassUid?: string;
  implementationVersionName?: string;
  sourceApplicationEntityTitle?: string;
}

export class Part10Error extends Error {}

const PREAMBLE = 128;

/** The preamble, "DICM" and the File Meta Information for a data set: prepend it to the data set bytes. */
export function buildFileMetaHeader(meta: FileMeta): Buffer {
  const elements = [
    element('0002', '0001', 'OB', Buffer.from([0x00, 0x01])),
    element('0002', '0002', 'UI', uidBytes(meta.mediaStorageSopClassUid)),
    element('0002', '0003', 'UI', uidBytes(meta.mediaStorageSopInstanceUid)),
    element('0002', '0010', 'UI', uidBytes(meta.transferSyntaxUid)),
    element('0002', '0012', 'UI', uidBytes(meta.implementationClassUid ?? IMPLEMENTATION_CLASS_UID)),
    element('0002', '0013', 'SH', textBytes(meta.implementationVersionName ?? IMPLEMENTATION_VERSION_NAME)),
    ...(meta.sourceApplicationEntityTitle
      ? [element('0002', '0016', 'AE', textBytes(meta.sourceApplicationEntityTitle))]
      : []),
  ];
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length);
  return Buffer.concat([
    Buffer.alloc(PREAMBLE),
    Buffer.from('DICM', 'latin1'),
    element('0002', '0000', 'UL', groupLength),
    body,
  ]);
}

export interface ParsedPart10 {
  meta: FileMeta;
  /** Offset of the first byte of the data set. */
  datasetOffset: number;
}

/** Reads the File Meta Information of a Part 10 file; throws Part10Error when it is not one. */
export function readFileMeta(file: Uint8Array): ParsedPart10 {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < PREAMBLE + 4 || buf.toString('latin1', PREAMBLE, PREAMBLE + 4) !== 'DICM')
    throw new Part10Error('not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble');
  let pos = PREAMBLE + 4;
  const values = new Map<string, string>();
  let end: number | undefined;
  while (pos + 8 <= buf.length) {
    const group = buf.readUInt16LE(pos);
    if (group !== 0x0002) break;
    const elem = buf.readUInt16LE(pos + 2);
    const vr = buf.toString('latin1', pos + 4, pos + 6);
    let length: number;
    let header: number;
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) {
      if (pos + 12 > buf.length) throw new Part10Error('file meta information truncated');
      length = buf.readUInt32LE(pos + 8);
      header = 12;
    } else {
      length = buf.readUInt16LE(pos + 6);
      header = 8;
    }
    if (length === 0xffffffff || pos + header + length > buf.length)
      throw new Part10Error(`file meta element (0002,${hex4(elem)}) overruns the file`);
    const value = buf.subarray(pos + header, pos + header + length);
    if (elem === 0x0000 && vr === 'UL') end = pos + header + length + value.readUInt32LE(0);
    else values.set(hex4(elem), value.toString('latin1').replace(/[\0 ]+$/, ''));
    pos += header + length;
    if (end !== undefined && pos >= end) break;
  }
  const transferSyntaxUid = values.get('0010');
  if (!transferSyntaxUid)
    throw new Part10Error('file meta information has no Transfer Syntax UID (0002,0010)');
  return {
    meta: {
      mediaStorageSopClassUid: values.get('0002') ?? '',
      mediaStorageSopInstanceUid: values.get('0003') ?? '',
      transferSyntaxUid,
      implementationClassUid: values.get('0012'),
      implementationVersionName: values.get('0013'),
      sourceApplicationEntityTitle: values.get('0016'),
    },
    datasetOffset: end ?? pos,
  };
}

function element(group: string, elem: string, vr: string, value: Buffer): Buffer {
  const long = vr === 'OB' || vr === 'OW' || vr === 'UN' || vr === 'SQ' || vr === 'UT';
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(parseInt(group, 16), 0);
  head.writeUInt16LE(parseInt(elem, 16), 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** UI values are padded to an even length with a NUL (PS3.5 §6.2). */
function uidBytes(uid: string): Buffer {
  const b = Buffer.from(uid, 'latin1');
  return b.length % 2 ? Buffer.concat([b, Buffer.from([0])]) : b;
}

/** Text values are padded with a space. */
function textBytes(s: string): Buffer {
  const b = Buffer.from(s, 'latin1');
  return b.length % 2 ? Buffer.concat([b, Buffer.from(' ')]) : b;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

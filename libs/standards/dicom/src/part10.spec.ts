import { buildFileMetaHeader, Part10Error, readFileMeta } from './part10';
import { IMPLEMENTATION_CLASS_UID } from './uids';

describe('Part 10 file meta information', () => {
  it('round-trips, with odd-length UIDs padded and the group length right', () => {
    const header = buildFileMetaHeader({
      mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      mediaStorageSopInstanceUid: '1.2.3.4.5',
      transferSyntaxUid: '1.2.840.10008.1.2.4.80',
      sourceApplicationEntityTitle: 'CT01',
    });
    expect(header.length % 2).toBe(0);
    expect(header.toString('latin1', 128, 132)).toBe('DICM');
    const file = Buffer.concat([header, Buffer.from([8, 0, 0x18, 0])]);
    const { meta, datasetOffset } = readFileMeta(file);
    expect(meta).toEqual({
      mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      mediaStorageSopInstanceUid: '1.2.3.4.5',
      transferSyntaxUid: '1.2.840.10008.1.2.4.80',
      implementationClassUid: IMPLEMENTATION_CLASS_UID,
      implementationVersionName: 'HOSP_ARCHIVE_1',
      sourceApplicationEntityTitle: 'CT01',
    });
    expect(datasetOffset).toBe(header.length);
  });

  it('refuses what is not a Part 10 file, or has no transfer syntax', () => {
    expect(() => readFileMeta(Buffer.alloc(200))).toThrow(Part10Error);
    const noTs = Buffer.concat([
      Buffer.alloc(128),
      Buffer.from('DICM'),
      Buffer.from([2, 0, 1, 0, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 0, 1]),
    ]);
    expect(() => readFileMeta(noTs)).toThrow(/Transfer Syntax UID/);
  });
});

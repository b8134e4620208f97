import { deflateRawSync } from 'node:zlib';
import { DatasetError, readDataset } from './dataset-reader';
import { dcmjs, type DcmjsDict } from './dcmjs';
import { readFileMeta } from './part10';
import { DimseStatus } from './status';
import { TransferSyntax } from './uids';

/** A small CT data set written by dcmjs in explicit VR little endian: its data set bytes. */
function dataset(extra: Record<string, unknown> = {}): Buffer {
  const { DicomMetaDictionary, DicomDict } = dcmjs.data as unknown as {
    DicomMetaDictionary: { denaturalizeDataset(d: Record<string, unknown>): DcmjsDict };
    DicomDict: new (meta: DcmjsDict) => { dict: DcmjsDict; write(): ArrayBuffer };
  };
  const d = new DicomDict(
    DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      MediaStorageSOPInstanceUID: '1.2.3.4.5.6',
      TransferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian,
    }),
  );
  d.dict = DicomMetaDictionary.denaturalizeDataset({
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: '1.2.3.4.5.6',
    StudyInstanceUID: '1.2.3.4',
    SeriesInstanceUID: '1.2.3.4.5',
    PatientName: 'Nguyễn^Văn An',
    PatientID: 'BN001',
    Modality: 'CT',
    Rows: 2,
    Columns: 2,
    BitsAllocated: 16,
    PixelData: [new Uint16Array([1, 2, 3, 4]).buffer],
    _vrMap: { PixelData: 'OW' },
    ...extra,
  });
  const file = Buffer.from(d.write());
  return file.subarray(readFileMeta(file).datasetOffset);
}

describe('readDataset', () => {
  it('reads the keys and the header as DICOM JSON, strings decoded, pixel data left out', () => {
    const r = readDataset(dataset(), TransferSyntax.ExplicitVRLittleEndian);
    expect(r).toMatchObject({
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUid: '1.2.3.4.5.6',
      studyInstanceUid: '1.2.3.4',
      seriesInstanceUid: '1.2.3.4.5',
    });
    expect(r.header['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Nguyễn^Văn An' }] });
    expect(r.header['00280010']).toEqual({ vr: 'US', Value: [2] });
    expect(r.header['7FE00010']).toBeUndefined();
  });

  it('reads a deflated data set', () => {
    const r = readDataset(deflateRawSync(dataset()), TransferSyntax.DeflatedExplicitVRLittleEndian);
    expect(r.sopInstanceUid).toBe('1.2.3.4.5.6');
  });

  it('refuses a truncated data set with 0xC000, wherever it is cut', () => {
    const whole = dataset();
    for (const n of [5, 40, whole.length - 1]) {
      const err = captured(() => readDataset(whole.subarray(0, n), TransferSyntax.ExplicitVRLittleEndian));
      expect(err).toBeInstanceOf(DatasetError);
      expect((err as DatasetError).status).toBe(DimseStatus.CannotUnderstand);
    }
  });

  it('refuses a data set without its UIDs with 0xA900, and an empty one', () => {
    const err = captured(() =>
      readDataset(dataset({ StudyInstanceUID: undefined }), TransferSyntax.ExplicitVRLittleEndian),
    );
    expect((err as DatasetError).status).toBe(DimseStatus.DataSetDoesNotMatchSopClass);
    expect((err as Error).message).toMatch(/StudyInstanceUid/);
    expect(
      captured(() => readDataset(Buffer.alloc(0), TransferSyntax.ImplicitVRLittleEndian)),
    ).toBeInstanceOf(DatasetError);
  });
});

function captured(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

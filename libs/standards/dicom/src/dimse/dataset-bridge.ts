import { Dataset } from 'dcmjs-dimse';
import { dcmjs, type DcmjsDict } from '../dcmjs';
import { type DicomJson, Tag } from '../dicom-json';
import { toDicomJson } from '../dataset-reader';
import { TransferSyntax } from '../uids';

/**
 * Between dcmjs-dimse's Dataset (dcmjs "naturalized" attributes by keyword) and the DICOM JSON the archive
 * works in. Identifiers and N-CREATE/N-SET attribute lists arrive as Datasets; responses leave as Datasets
 * written in UTF-8 (Specific Character Set ISO_IR 192), which is how dcmjs encodes every string.
 */
export function datasetToJson(dataset: Dataset | undefined): DicomJson {
  if (!dataset) return {};
  const dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(
    dataset.getElements() as Record<string, unknown>,
  ) as DcmjsDict;
  return toDicomJson(dict);
}

export function jsonToDataset(
  json: DicomJson,
  transferSyntaxUid: string = TransferSyntax.ExplicitVRLittleEndian,
) {
  const utf8: DicomJson = { ...json, [Tag.SpecificCharacterSet]: { vr: 'CS', Value: ['ISO_IR 192'] } };
  const natural = dcmjs.data.DicomMetaDictionary.naturalizeDataset(utf8 as unknown as DcmjsDict);
  return new Dataset(natural, transferSyntaxUid);
}

import type { DicomJson } from '@hosp/standards-dicom';

/**
 * Which attributes belong to which level of the Query/Retrieve information model (PS3.4 C.6.1.1 / C.6.2.1):
 * the study row keeps the patient and study attributes of the latest instance, the series row the series
 * attributes; the instance keeps its whole header.
 */
export const PATIENT_LEVEL = [
  '00100010', // Patient's Name
  '00100020', // Patient ID
  '00100021', // Issuer of Patient ID
  '00100024', // Issuer of Patient ID Qualifiers Sequence
  '00100030', // Patient's Birth Date
  '00100032', // Patient's Birth Time
  '00100040', // Patient's Sex
  '00101000', // Other Patient IDs
  '00101001', // Other Patient Names
  '00101002', // Other Patient IDs Sequence
  '00102160', // Ethnic Group
  '00104000', // Patient Comments
];

export const STUDY_LEVEL = [
  '0020000D', // Study Instance UID
  '00080020', // Study Date
  '00080030', // Study Time
  '00080050', // Accession Number
  '00080051', // Issuer of Accession Number Sequence
  '00080090', // Referring Physician's Name
  '00080201', // Timezone Offset From UTC
  '00081030', // Study Description
  '00081032', // Procedure Code Sequence
  '00081060', // Name of Physician(s) Reading Study
  '00200010', // Study ID
  '00101010', // Patient's Age
  '00101020', // Patient's Size
  '00101030', // Patient's Weight
  '00321032', // Requesting Physician
  '00321060', // Requested Procedure Description
];

export const SERIES_LEVEL = [
  '0020000E', // Series Instance UID
  '00080060', // Modality
  '00200011', // Series Number
  '0008103E', // Series Description
  '00080021', // Series Date
  '00080031', // Series Time
  '00180015', // Body Part Examined
  '00200060', // Laterality
  '00081050', // Performing Physician's Name
  '00080070', // Manufacturer
  '00081090', // Manufacturer's Model Name
  '00081010', // Station Name
  '00400244', // Performed Procedure Step Start Date
  '00400245', // Performed Procedure Step Start Time
  '00400253', // Performed Procedure Step ID
  '00400254', // Performed Procedure Step Description
  '00400275', // Request Attributes Sequence
  '00081111', // Referenced Performed Procedure Step Sequence
];

export function pick(header: DicomJson, tags: readonly string[]): DicomJson {
  const out: DicomJson = {};
  for (const t of tags) if (header[t]) out[t] = header[t];
  return out;
}

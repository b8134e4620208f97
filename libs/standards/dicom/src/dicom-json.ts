/**
 * The DICOM JSON Model (PS3.18 Annex F): the form in which the archive keeps headers, matches queries and
 * answers QIDO-RS / WADO-RS metadata. Keys are tags as 8 upper-case hex digits ("00100010").
 */
export interface PersonName {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export type DicomValue = string | number | PersonName | DicomJson;

export interface DicomAttribute {
  vr: string;
  Value?: DicomValue[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

export type DicomJson = Record<string, DicomAttribute>;

/** Tags the archive reads or writes by name (PS3.6 Table 6-1). */
export const Tag = {
  SpecificCharacterSet: '00080005',
  ImageType: '00080008',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  SeriesDate: '00080021',
  StudyTime: '00080030',
  SeriesTime: '00080031',
  AccessionNumber: '00080050',
  QueryRetrieveLevel: '00080052',
  RetrieveAETitle: '00080054',
  InstanceAvailability: '00080056',
  FailedSOPInstanceUIDList: '00080058',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  SOPClassesInStudy: '00080062',
  ReferringPhysicianName: '00080090',
  CodeValue: '00080100',
  CodingSchemeDesignator: '00080102',
  CodeMeaning: '00080104',
  TimezoneOffsetFromUTC: '00080201',
  StationName: '00081010',
  StudyDescription: '00081030',
  ProcedureCodeSequence: '00081032',
  SeriesDescription: '0008103E',
  RetrieveURL: '00081190',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  ReferencedStudySequence: '00081110',
  ReferencedPatientSequence: '00081120',
  ReferencedPerformedProcedureStepSequence: '00081111',
  FailureReason: '00081197',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  OtherPatientIDs: '00101000',
  PatientAge: '00101010',
  PatientWeight: '00101030',
  BodyPartExamined: '00180015',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfPatientRelatedStudies: '00201200',
  NumberOfPatientRelatedSeries: '00201202',
  NumberOfPatientRelatedInstances: '00201204',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  RequestingPhysician: '00321032',
  RequestedProcedureDescription: '00321060',
  RequestedProcedureCodeSequence: '00321064',
  AdmissionID: '00380010',
  ScheduledStationAETitle: '00400001',
  ScheduledProcedureStepStartDate: '00400002',
  ScheduledProcedureStepStartTime: '00400003',
  ScheduledPerformingPhysicianName: '00400006',
  ScheduledProcedureStepDescription: '00400007',
  ScheduledProtocolCodeSequence: '00400008',
  ScheduledProcedureStepID: '00400009',
  ScheduledStationName: '00400010',
  ScheduledProcedureStepLocation: '00400011',
  ScheduledProcedureStepStatus: '00400020',
  ScheduledProcedureStepSequence: '00400100',
  PerformedStationAETitle: '00400241',
  PerformedStationName: '00400242',
  PerformedProcedureStepStartDate: '00400244',
  PerformedProcedureStepStartTime: '00400245',
  PerformedProcedureStepEndDate: '00400250',
  PerformedProcedureStepEndTime: '00400251',
  PerformedProcedureStepStatus: '00400252',
  PerformedProcedureStepID: '00400253',
  PerformedProcedureStepDescription: '00400254',
  ScheduledStepAttributesSequence: '00400270',
  PerformedProcedureStepDiscontinuationReasonCodeSequence: '00400281',
  PerformedSeriesSequence: '00400340',
  RequestedProcedureID: '00401001',
  RequestedProcedurePriority: '00401003',
  PatientTransportArrangements: '00401004',
  ConfidentialityConstraintOnPatientDataDescription: '00403001',
  TransactionUID: '00081195',
  ReferencedImageSequence: '00081140',
  ReferencedNonImageCompositeSOPInstanceSequence: '0040A375',
  PixelData: '7FE00010',
} as const;

/** Value Representations whose values are bytes (PS3.5 §6.2): bulk data, never kept in an index. */
export const BINARY_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** The first value of a string-like attribute, trimmed; a person name as its alphabetic group. */
export function str(ds: DicomJson | undefined, tag: string): string | undefined {
  const v = ds?.[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return (v as PersonName).Alphabetic?.trim() || undefined;
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** All values of an attribute as trimmed strings (multi-valued CS, UI lists). */
export function strs(ds: DicomJson | undefined, tag: string): string[] {
  return (ds?.[tag]?.Value ?? [])
    .map((v) => (typeof v === 'object' ? ((v as PersonName).Alphabetic ?? '') : String(v)).trim())
    .filter((v) => v !== '');
}

export function int(ds: DicomJson | undefined, tag: string): number | undefined {
  const v = ds?.[tag]?.Value?.[0];
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

export function items(ds: DicomJson | undefined, tag: string): DicomJson[] {
  return (ds?.[tag]?.Value ?? []).filter((v): v is DicomJson => typeof v === 'object' && !isPersonName(v));
}

function isPersonName(v: object): boolean {
  return 'Alphabetic' in v || 'Ideographic' in v || 'Phonetic' in v;
}

/** Builds an attribute: empty values give a zero-length attribute (no Value), as PS3.18 F.2.5 requires. */
export function attr(vr: string, ...values: Array<DicomValue | undefined | null>): DicomAttribute {
  const present = values.filter((v): v is DicomValue => v !== undefined && v !== null && v !== '');
  return present.length ? { vr, Value: present } : { vr };
}

export function pn(alphabetic: string | undefined | null): DicomAttribute {
  return alphabetic ? { vr: 'PN', Value: [{ Alphabetic: alphabetic }] } : { vr: 'PN' };
}

export function seq(...itemsOf: DicomJson[]): DicomAttribute {
  return itemsOf.length ? { vr: 'SQ', Value: itemsOf } : { vr: 'SQ' };
}

/** "00100010" -> "(0010,0010)", for messages. */
export function tagLabel(tag: string): string {
  return `(${tag.slice(0, 4)},${tag.slice(4)})`;
}

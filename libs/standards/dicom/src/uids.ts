/** Transfer Syntax UIDs (PS3.5 §10, PS3.6 Annex A) that the archive accepts and stores as received. */
export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JpegBaseline: '1.2.840.10008.1.2.4.50',
  JpegExtended: '1.2.840.10008.1.2.4.51',
  JpegLosslessP14: '1.2.840.10008.1.2.4.57',
  JpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  JpegLsLossless: '1.2.840.10008.1.2.4.80',
  JpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  Jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  Jpeg2000: '1.2.840.10008.1.2.4.91',
  Jpeg2000Part2Lossless: '1.2.840.10008.1.2.4.92',
  Jpeg2000Part2: '1.2.840.10008.1.2.4.93',
  Mpeg2MainProfile: '1.2.840.10008.1.2.4.100',
  Mpeg2HighProfile: '1.2.840.10008.1.2.4.101',
  Mpeg4HighProfile: '1.2.840.10008.1.2.4.102',
  Mpeg4HighProfileBdCompatible: '1.2.840.10008.1.2.4.103',
  Hevc: '1.2.840.10008.1.2.4.107',
  HtJ2kLossless: '1.2.840.10008.1.2.4.201',
  HtJ2kRpclLossless: '1.2.840.10008.1.2.4.202',
  HtJ2k: '1.2.840.10008.1.2.4.203',
  RleLossless: '1.2.840.10008.1.2.5',
} as const;

/**
 * Transfer syntaxes of the C-STORE SCP, in no preference order: the archive accepts the first one the caller
 * proposes that is here, so the modality never has to convert (an SCU lists its preferred syntax first).
 * Big endian (retired in 2004) is accepted only when nothing else is proposed.
 */
export const STORAGE_TRANSFER_SYNTAXES: readonly string[] = Object.values(TransferSyntax);

/** Transfer syntaxes for non-storage services (echo, find, MPPS, commitment): uncompressed only. */
export const UNCOMPRESSED_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.ImplicitVRLittleEndian,
];

export function isEncapsulated(ts: string): boolean {
  return (
    ts !== TransferSyntax.ImplicitVRLittleEndian &&
    ts !== TransferSyntax.ExplicitVRLittleEndian &&
    ts !== TransferSyntax.DeflatedExplicitVRLittleEndian &&
    ts !== TransferSyntax.ExplicitVRBigEndian
  );
}

/** SOP Classes of the services other than storage (PS3.4). */
export const SopClass = {
  Verification: '1.2.840.10008.1.1',
  StorageCommitmentPushModel: '1.2.840.10008.1.20.1',
  ModalityWorklistFind: '1.2.840.10008.5.1.4.31',
  ModalityPerformedProcedureStep: '1.2.840.10008.3.1.2.3.3',
  PatientRootFind: '1.2.840.10008.5.1.4.1.2.1.1',
  PatientRootMove: '1.2.840.10008.5.1.4.1.2.1.2',
  PatientRootGet: '1.2.840.10008.5.1.4.1.2.1.3',
  StudyRootFind: '1.2.840.10008.5.1.4.1.2.2.1',
  StudyRootMove: '1.2.840.10008.5.1.4.1.2.2.2',
  StudyRootGet: '1.2.840.10008.5.1.4.1.2.2.3',
} as const;

/** Storage Commitment Push Model SOP Instance (PS3.4 J.3.5): the well-known instance N-ACTION addresses. */
export const STORAGE_COMMITMENT_INSTANCE = '1.2.840.10008.1.20.1.1';

/**
 * The platform's UID root for what the archive creates (Implementation Class UID, generated UIDs). 2.25 is the
 * UUID-derived root of PS3.5 §B.2: no registration needed.
 */
export const IMPLEMENTATION_CLASS_UID = '2.25.112618102985531951657480806625699384382';
export const IMPLEMENTATION_VERSION_NAME = 'HOSP_ARCHIVE_1';

/** A new UID under the UUID-derived root 2.25 (PS3.5 §B.2): at most 44 characters, always valid. */
export function newUid(uuid: string = globalThis.crypto.randomUUID()): string {
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString()}`;
}

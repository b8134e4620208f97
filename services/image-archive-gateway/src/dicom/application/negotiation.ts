import {
  isStorageSopClass,
  SopClass,
  STORAGE_TRANSFER_SYNTAXES,
  TransferSyntax,
  UNCOMPRESSED_TRANSFER_SYNTAXES,
} from '@hosp/standards-dicom';

/** The non-storage SOP classes the archive provides (its conformance statement, README). */
export const SERVICE_SOP_CLASSES: ReadonlySet<string> = new Set([
  SopClass.Verification,
  SopClass.ModalityWorklistFind,
  SopClass.ModalityPerformedProcedureStep,
  SopClass.PatientRootFind,
  SopClass.PatientRootMove,
  SopClass.PatientRootGet,
  SopClass.StudyRootFind,
  SopClass.StudyRootMove,
  SopClass.StudyRootGet,
  SopClass.StorageCommitmentPushModel,
]);

/**
 * Presentation context negotiation (PS3.8 §7.1.1.13): for a storage SOP class, the first transfer syntax the
 * caller proposes among those the archive stores as received (so the modality never has to convert, and a
 * lossless image is never made lossy); big endian only when nothing else is proposed. In a C-GET, where the
 * caller takes the SCP role for storage, explicit little endian. For the other services,
 * explicit or implicit little endian as proposed. An unknown SOP class is rejected here, so a C-STORE of it
 * cannot even be attempted (PS3.4 B.2.2: "abstract syntax not supported").
 */
export function negotiate(
  abstractSyntaxUid: string,
  proposed: string[],
  roles: { scp?: boolean } = {},
): string | 'abstract' | 'transfer' {
  if (isStorageSopClass(abstractSyntaxUid) && roles.scp) {
    // C-GET: the archive sends. Explicit little endian when offered: objects in other syntaxes are then
    // decompressed; nothing is ever compressed (let alone lossily) for the caller.
    const usable = proposed.filter((ts) => STORAGE_TRANSFER_SYNTAXES.includes(ts));
    return usable.find((ts) => ts === TransferSyntax.ExplicitVRLittleEndian) ?? usable[0] ?? 'transfer';
  }
  if (isStorageSopClass(abstractSyntaxUid)) {
    const usable = proposed.filter((ts) => STORAGE_TRANSFER_SYNTAXES.includes(ts));
    return usable.find((ts) => ts !== TransferSyntax.ExplicitVRBigEndian) ?? usable[0] ?? 'transfer';
  }
  if (SERVICE_SOP_CLASSES.has(abstractSyntaxUid))
    return proposed.find((ts) => UNCOMPRESSED_TRANSFER_SYNTAXES.includes(ts)) ?? 'transfer';
  return 'abstract';
}

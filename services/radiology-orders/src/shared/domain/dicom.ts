/**
 * DICOM value rules the RIS's identifiers must keep (PS3.5 §6.2, Table 6.2-1), so that the archive gateway can
 * put them in the Modality Worklist and the images unchanged.
 */

/** SH (Short String): Accession Number, Requested Procedure ID, Scheduled Procedure Step ID, Station Name. */
export const SH_MAX = 16;

/**
 * AE (Application Entity): at most 16 characters of the default repertoire, no backslash or control characters;
 * leading and trailing spaces are not significant, so none are accepted.
 */
export const AE_TITLE = /^[\x21-\x5b\x5d-\x7e](?:[\x20-\x5b\x5d-\x7e]{0,14}[\x21-\x5b\x5d-\x7e])?$/;

/**
 * (0008,0060) Modality: a CS defined term (PS3.3 C.7.3.1.1.1), e.g. CT, MR, US, DX, CR, MG, XA, RF, NM, PT.
 * RIS takes the 2-4 letter terms: the modality prefixes the accession number, which must stay within SH.
 */
export const MODALITY = /^[A-Z]{2,4}$/;

/**
 * A Study Instance UID of the 2.25 root: "2.25." + a UUID read as one unsigned decimal integer (PS3.5 B.2,
 * ITU-T X.667). At most 44 characters, within UI's 64; no registered root is needed.
 */
export function uuidToDicomUid(uuid: string): string {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`"${uuid}" is not a UUID`);
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}

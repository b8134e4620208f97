import { resolve } from 'node:path';

/**
 * The archive's configuration, read from the environment when the application starts (README "Run").
 */
export interface ArchiveSettings {
  /** Our AE title (DICOM_AE_TITLE): associations called to another title are rejected. */
  aeTitle: string;
  dicomHost: string;
  /** DICOM_PORT (11112, the registered DICOM port); 0 picks a free one. */
  dicomPort: number;
  /** ARCHIVE_ROOT: where the objects are stored, content-addressed (default .stack/archive). */
  archiveRoot: string;
  /** STUDY_QUIET_MS: a study is announced when no instance of it arrived for this long. */
  studyQuietMs: number;
  /** DICOM_TIMEZONE: DICOM dates and times are local; the hospital's zone (Asia/Ho_Chi_Minh). */
  timezone: string;
  maxPduLength: number;
  maxObjectBytes: number;
  forward: { maxAttempts: number; retryBaseMs: number; batchSize: number };
  /** Public base URL of DICOMweb, for RetrieveURL in STOW-RS and QIDO-RS answers (default: the request's). */
  dicomWebBaseUrl?: string;
}

export const ARCHIVE_SETTINGS = Symbol('ARCHIVE_SETTINGS');

export function archiveSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ArchiveSettings {
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not "${v}"`);
    return n;
  };
  const aeTitle = (env['DICOM_AE_TITLE'] ?? 'HOSP_ARCHIVE').trim();
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(aeTitle))
    throw new Error(`DICOM_AE_TITLE "${aeTitle}" is not an AE title (1-16 characters, no backslash)`);
  return {
    aeTitle,
    dicomHost: env['DICOM_HOST'] ?? '0.0.0.0',
    dicomPort: num('DICOM_PORT', 11112),
    archiveRoot: resolve(env['ARCHIVE_ROOT'] ?? '.stack/archive'),
    studyQuietMs: num('STUDY_QUIET_MS', 5_000),
    timezone: env['DICOM_TIMEZONE'] ?? 'Asia/Ho_Chi_Minh',
    maxPduLength: num('DICOM_MAX_PDU', 262_144),
    maxObjectBytes: num('DICOM_MAX_OBJECT_BYTES', 2 ** 31),
    forward: {
      maxAttempts: num('ARCHIVE_FORWARD_MAX_ATTEMPTS', 8),
      retryBaseMs: num('ARCHIVE_FORWARD_RETRY_BASE_MS', 2_000),
      batchSize: num('ARCHIVE_FORWARD_BATCH', 50),
    },
    dicomWebBaseUrl: env['DICOMWEB_BASE_URL'] || undefined,
  };
}

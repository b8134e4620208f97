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
  /** DICOM_MAX_PDU (262144): the largest P-DATA-TF we receive, announced and enforced (A-ABORT beyond). */
  maxPduLength: number;
  maxObjectBytes: number;
  /** DICOM_IDLE_TIMEOUT_MS (300000): an association that carried no byte either way for this long is aborted. */
  idleTimeoutMs: number;
  /** DICOM_ASSOCIATION_TIMEOUT_MS (30000): ARTIM, PS3.8 §9.1.5: connected but no A-ASSOCIATE-RQ: closed. */
  associationTimeoutMs: number;
  /** DICOM over TLS (shared/dicom-tls.ts). */
  tls: DicomTlsSettings;
  forward: { maxAttempts: number; retryBaseMs: number; batchSize: number };
  /** Public base URL of DICOMweb, for RetrieveURL in STOW-RS and QIDO-RS answers (default: the request's). */
  dicomWebBaseUrl?: string;
}

/**
 * DICOM TLS (PS3.15 Annex B.1 TLS Secure Transport Connection Profile; IHE ATNA node authentication, ITI-19).
 * PEM files named in the environment; nothing in the database or the repository.
 */
export interface DicomTlsSettings {
  /** DICOM_TLS_PORT: a TLS listener on DICOM_HOST at this port (2762 is DICOM's registered TLS port); none when unset. */
  port?: number;
  /** DICOM_TLS_ONLY=1: no plain listener on DICOM_PORT, for networks where every node speaks TLS. */
  only: boolean;
  /** DICOM_TLS_CERT, DICOM_TLS_KEY: the archive's node certificate and key, as server and as client. */
  certFile?: string;
  keyFile?: string;
  /**
   * DICOM_TLS_CA: the CA bundle of trusted nodes. On the TLS listener every caller must present a certificate
   * issued by it (mutual TLS); on associations the archive opens, the peer's certificate must chain to it.
   */
  caFile?: string;
  /**
   * DICOM_TLS_PEERS: AE titles (comma-separated; `*` for all) the archive associates with over TLS, at their
   * configured host and port: forwarding, C-MOVE destinations, storage commitment reports, C-ECHO.
   */
  peers: string[] | '*';
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
    idleTimeoutMs: num('DICOM_IDLE_TIMEOUT_MS', 300_000),
    associationTimeoutMs: num('DICOM_ASSOCIATION_TIMEOUT_MS', 30_000),
    tls: tlsSettings(env, num),
    forward: {
      maxAttempts: num('ARCHIVE_FORWARD_MAX_ATTEMPTS', 8),
      retryBaseMs: num('ARCHIVE_FORWARD_RETRY_BASE_MS', 2_000),
      batchSize: num('ARCHIVE_FORWARD_BATCH', 50),
    },
    dicomWebBaseUrl: env['DICOMWEB_BASE_URL'] || undefined,
  };
}

function tlsSettings(
  env: NodeJS.ProcessEnv,
  num: (name: string, fallback: number) => number,
): DicomTlsSettings {
  const file = (name: string) => env[name] || undefined;
  const peers = (env['DICOM_TLS_PEERS'] ?? '').trim();
  const tls: DicomTlsSettings = {
    port: env['DICOM_TLS_PORT'] ? num('DICOM_TLS_PORT', 0) : undefined,
    only: env['DICOM_TLS_ONLY'] === '1' || env['DICOM_TLS_ONLY'] === 'true',
    certFile: file('DICOM_TLS_CERT'),
    keyFile: file('DICOM_TLS_KEY'),
    caFile: file('DICOM_TLS_CA'),
    peers:
      peers === '*'
        ? '*'
        : peers
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
  };
  if (tls.port !== undefined && (!tls.certFile || !tls.keyFile))
    throw new Error('DICOM_TLS_PORT needs DICOM_TLS_CERT and DICOM_TLS_KEY (PEM files)');
  if (!tls.certFile !== !tls.keyFile) throw new Error('DICOM_TLS_CERT and DICOM_TLS_KEY go together');
  if (tls.only && tls.port === undefined) throw new Error('DICOM_TLS_ONLY=1 needs DICOM_TLS_PORT');
  return tls;
}

import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { DicomTlsClientOptions } from '@hosp/standards-dicom';
import type { DicomTlsSettings } from './archive-settings';

/**
 * The archive's TLS material, read from the PEM files the environment names (archive-settings.ts), for the
 * two sides of DICOM TLS (PS3.15 Annex B.1, the TLS Secure Transport Connection Profile; B.9 and BCP 195 put
 * the floor at TLS 1.2). The archive is an IHE ATNA secure node (ITI-19): one certificate, presented as the
 * server to callers and as the client to the peers it calls, and one bundle of trusted CAs.
 */
const MIN_TLS_VERSION = 'TLSv1.2';

/** A TLS handshake not completed after this long is dropped (Node's default is 120 s). */
const HANDSHAKE_TIMEOUT_MS = 30_000;

/** Server options of the TLS listener; with DICOM_TLS_CA every caller must present a certificate it issued. */
export function listenerTlsOptions(tls: DicomTlsSettings): TlsOptions {
  if (!tls.certFile || !tls.keyFile)
    throw new Error('the DICOM TLS listener needs DICOM_TLS_CERT and DICOM_TLS_KEY');
  return {
    cert: read(tls.certFile),
    key: read(tls.keyFile),
    minVersion: MIN_TLS_VERSION,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    ...(tls.caFile ? { ca: read(tls.caFile), requestCert: true, rejectUnauthorized: true } : {}),
  };
}

/**
 * Our side of an association with `aeTitle` when DICOM_TLS_PEERS names it (or is `*`): our certificate if
 * configured, the peer verified against DICOM_TLS_CA (else the system's roots). Undefined: plain TCP.
 * Read on every association, so renewed files are picked up without a restart.
 */
export function peerTlsOptions(tls: DicomTlsSettings, aeTitle: string): DicomTlsClientOptions | undefined {
  if (tls.peers !== '*' && !tls.peers.includes(aeTitle)) return undefined;
  return {
    ...(tls.certFile && tls.keyFile ? { cert: read(tls.certFile), key: read(tls.keyFile) } : {}),
    ...(tls.caFile ? { ca: read(tls.caFile) } : {}),
  };
}

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`cannot read the DICOM TLS file ${path}: ${(err as NodeJS.ErrnoException).code}`);
  }
}

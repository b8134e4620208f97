import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectionOptions, createSecureContext, type TlsOptions } from 'node:tls';
import { type Connection, TLS_FILE_NAME } from '../domain/connection';

/**
 * TLS for HL7 links: MLLP over TLS (HL7 Transport Specification, MLLP Release 2 over a TLS stream) with IHE
 * ATNA node authentication (ITI TF-2 3.19, ITI-19 "Authenticate Node"): the gateway is a secure node with one
 * certificate and key that it presents both as the server (listen connections) and as the client (connect
 * connections), and a CA bundle of the nodes it trusts.
 *
 * - listen: certificate and key required; with a CA bundle, every client must present a certificate issued by
 *   it (mutual TLS) or the handshake fails before a byte of HL7 is read.
 * - connect: the server's certificate is verified against the CA bundle (the system's roots without one) and
 *   its name or IP against the connection's host; our certificate is presented when one is configured.
 *
 * The material is read from PEM files named in configuration, never stored in the database: the defaults in
 * GATEWAY_TLS_CERT, GATEWAY_TLS_KEY and GATEWAY_TLS_CA (paths), and per connection `tlsCertFile`, `tlsKeyFile`,
 * `tlsCaFile`: names resolved under GATEWAY_TLS_DIR only, so the REST API cannot point the service at an
 * arbitrary file. TLS 1.2 is the floor (ITI-19 and BCP 195 since 2019), whatever Node's command line says.
 */
export const MIN_TLS_VERSION = 'TLSv1.2';

/** A TLS handshake that has not completed after this long is dropped (Node's default is 120 s). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 30_000;

type TlsFields = Pick<Connection, 'tlsCertFile' | 'tlsKeyFile' | 'tlsCaFile'>;

/** The connection's TLS configuration cannot be used; the message says what is missing or wrong. */
export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
}

export interface TlsFiles {
  cert?: string;
  key?: string;
  ca?: string;
}

/** The PEM file paths a connection uses: its own names under GATEWAY_TLS_DIR, else the GATEWAY_TLS_* defaults. */
export function tlsFilesOf(c: TlsFields, env: NodeJS.ProcessEnv = process.env): TlsFiles {
  if ((c.tlsCertFile == null) !== (c.tlsKeyFile == null))
    throw new TlsMaterialError('tlsCertFile and tlsKeyFile go together: set both or neither');
  const own = (name: string | null | undefined): string | undefined => {
    if (name == null) return undefined;
    const dir = env['GATEWAY_TLS_DIR'];
    if (!dir) throw new TlsMaterialError(`TLS file "${name}" is set, but GATEWAY_TLS_DIR is not`);
    // The DTO checks the same pattern; checked again because rows may predate it or come from elsewhere.
    if (!TLS_FILE_NAME.test(name)) throw new TlsMaterialError(`TLS file "${name}" is not a plain file name`);
    return join(dir, name);
  };
  const fallback = (name: string): string | undefined => env[name] || undefined;
  return {
    cert: own(c.tlsCertFile) ?? fallback('GATEWAY_TLS_CERT'),
    key: own(c.tlsKeyFile) ?? fallback('GATEWAY_TLS_KEY'),
    ca: own(c.tlsCaFile) ?? fallback('GATEWAY_TLS_CA'),
  };
}

/** node:tls server options for a listen connection: our certificate, and mutual TLS when a CA is configured. */
export function serverTlsOptions(c: TlsFields, env: NodeJS.ProcessEnv = process.env): TlsOptions {
  const files = tlsFilesOf(c, env);
  if (!files.cert || !files.key)
    throw new TlsMaterialError(
      'a TLS listener needs a certificate and key: GATEWAY_TLS_CERT and GATEWAY_TLS_KEY, or tlsCertFile and tlsKeyFile',
    );
  const ca = files.ca ? read(files.ca, 'CA bundle') : undefined;
  return {
    cert: read(files.cert, 'certificate'),
    key: read(files.key, 'private key'),
    minVersion: MIN_TLS_VERSION,
    handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    // ATNA node authentication: a peer without a certificate from a trusted CA never gets to send HL7.
    ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
  };
}

/** node:tls connect options for a connect connection: verify the server, present our certificate if any. */
export function clientTlsOptions(c: TlsFields, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const files = tlsFilesOf(c, env);
  if (!files.cert !== !files.key)
    throw new TlsMaterialError('GATEWAY_TLS_CERT and GATEWAY_TLS_KEY go together: set both or neither');
  return {
    ...(files.cert && files.key
      ? { cert: read(files.cert, 'certificate'), key: read(files.key, 'private key') }
      : {}),
    ...(files.ca ? { ca: read(files.ca, 'CA bundle') } : {}),
    minVersion: MIN_TLS_VERSION,
    rejectUnauthorized: true,
  };
}

/**
 * Checks that a TLS connection's material can be loaded and that certificate and key belong together, so a
 * configuration mistake is refused when it is made rather than found when the listener fails to start.
 */
export function checkTlsMaterial(
  c: TlsFields & Pick<Connection, 'role'>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const options = c.role === 'listen' ? serverTlsOptions(c, env) : clientTlsOptions(c, env);
  try {
    createSecureContext(options);
  } catch (err) {
    throw new TlsMaterialError(
      `the TLS certificate, key or CA bundle is unusable: ${(err as Error).message}`,
    );
  }
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsMaterialError(`cannot read the TLS ${what} ${path}: ${(err as NodeJS.ErrnoException).code}`);
  }
}

import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { MIN_RSA_BITS } from './profile';

/**
 * Small X.509 helpers on top of Node's crypto (which reads certificates and keys, but not PKCS#12).
 * All of them return `undefined` or a reason instead of throwing, so callers can turn problems into results.
 */

export interface CertificateFacts {
  readonly certificate: X509Certificate;
  /** DER bytes, exactly as issued. */
  readonly der: Buffer;
  /** Subject attributes in certificate order, `CN=…, O=…`, UTF-8 as is (see {@link formatSubject}). */
  readonly subject: string;
  /** Upper-case hexadecimal, as OpenSSL prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/** Every certificate of a PEM text, as DER, in order. Other PEM blocks are ignored. */
export function pemCertificatesToDer(pem: string): Buffer[] {
  const out: Buffer[] = [];
  for (const match of pem.matchAll(PEM_CERTIFICATE)) {
    out.push(Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

/** PEM with 64-character lines (RFC 7468 §2), LF line ends. */
export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Parses one DER certificate; `undefined` when it is not one. */
export function readCertificate(der: Uint8Array): CertificateFacts | undefined {
  try {
    const certificate = new X509Certificate(der);
    const notBefore = parseOpenSslTime(certificate.validFrom);
    const notAfter = parseOpenSslTime(certificate.validTo);
    if (!notBefore || !notAfter) return undefined;
    return {
      certificate,
      der: Buffer.from(certificate.raw),
      subject: formatSubject(certificate.subject),
      serialNumber: certificate.serialNumber.toUpperCase(),
      notBefore,
      notAfter,
    };
  } catch {
    return undefined;
  }
}

/** Parses the first certificate of a PEM text. */
export function readCertificatePem(pem: string): CertificateFacts | undefined {
  if (typeof pem !== 'string') return undefined;
  const [der] = pemCertificatesToDer(pem);
  return der ? readCertificate(der) : undefined;
}

/**
 * Node prints the subject one attribute per line, in certificate order, with `,`, `+`, `"` and `\` escaped by
 * a backslash (OpenSSL's RFC 2253 escaping), so joining the lines with ", " gives an unambiguous single line.
 */
export function formatSubject(nodeSubject: string): string {
  return nodeSubject
    .split('\n')
    .filter((line) => line.length > 0)
    .join(', ');
}

/** `Jan  1 00:00:00 2026 GMT`, the form Node's `validFrom`/`validTo` use. */
function parseOpenSslTime(text: string): Date | undefined {
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** Why the certificate's RSA key is not usable in this profile, or `undefined` when it is. */
export function rsaKeyProblem(certificate: X509Certificate): string | undefined {
  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== 'rsa') {
    return `the certificate key is ${key.asymmetricKeyType ?? 'unknown'}, but this profile signs with RSA-SHA256 only`;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    return `the certificate RSA key is ${bits} bits, below the ${MIN_RSA_BITS}-bit minimum`;
  }
  return undefined;
}

/** Reads a PEM private key (PKCS#8 or PKCS#1, unencrypted). */
export function readPrivateKey(pem: string): KeyObject | undefined {
  try {
    if (typeof pem !== 'string') return undefined;
    const key = createPrivateKey({ key: pem, format: 'pem' });
    return key.type === 'private' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Does the private key belong to the certificate? Compares the public halves as SPKI DER. */
export function keyMatchesCertificate(privateKey: KeyObject, certificate: X509Certificate): boolean {
  try {
    const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const fromCertificate = certificate.publicKey.export({ type: 'spki', format: 'der' });
    return fromKey.equals(fromCertificate);
  } catch {
    return false;
  }
}

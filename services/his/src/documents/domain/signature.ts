import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { canonicalJson } from './jcs';

/**
 * Clinicians' signatures on EMR documents (TT 13/2025 Art. 3, CV 365 §5-6): the HIS holds public keys only;
 * private keys stay on the clinician's device or the hospital's signing service. The algorithms are JOSE's
 * (RFC 7518): ES256 = ECDSA P-256 + SHA-256 with the signature as IEEE P1363 r||s (64 bytes, what WebCrypto
 * produces; not DER), RS256 = RSASSA-PKCS1-v1_5 + SHA-256, Ed25519 = EdDSA over the message itself.
 */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'Ed25519'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** RSA keys below this size are refused (NIST SP 800-57: 2048 bits for anything signed today). */
export const MIN_RSA_BITS = 2048;

export type KeyCheck = { ok: true; key: KeyObject; spkiPem: string } | { ok: false; reason: string };

/** Parses a PEM public key and checks that it is a key of the algorithm's type. */
export function checkPublicKey(pem: string, algorithm: SigningAlgorithm): KeyCheck {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    return {
      ok: false,
      reason:
        'is a private key: send only the public key (SPKI PEM); a private key sent anywhere should be replaced',
    };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return { ok: false, reason: 'is not a PEM public key (-----BEGIN PUBLIC KEY----- ...)' };
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (algorithm) {
    case 'ES256':
      if (type !== 'ec' || details.namedCurve !== 'prime256v1')
        return { ok: false, reason: `is a ${describe(key)} key, not an EC P-256 key as ES256 needs` };
      break;
    case 'RS256':
      if (type !== 'rsa')
        return { ok: false, reason: `is a ${describe(key)} key, not an RSA key as RS256 needs` };
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS)
        return {
          ok: false,
          reason: `is a ${details.modulusLength}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`,
        };
      break;
    case 'Ed25519':
      if (type !== 'ed25519') return { ok: false, reason: `is a ${describe(key)} key, not an Ed25519 key` };
      break;
  }
  return { ok: true, key, spkiPem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} ${curve}` : String(key.asymmetricKeyType);
}

/** Whether `signature` is `algorithm`'s signature over `data` by `publicKeyPem`. Never throws. */
export function verifySignature(
  algorithm: SigningAlgorithm,
  publicKeyPem: string,
  data: Buffer,
  signature: Buffer,
): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    switch (algorithm) {
      case 'ES256':
        return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'RS256':
        return verify('sha256', data, key, signature);
      case 'Ed25519':
        return verify(null, data, key, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** What the signature covers: every field that gives the document its meaning and place in the record. */
export interface SignedFields {
  documentId: string;
  version: number;
  /** The id of the version this one amends; null for version 1. */
  supersedes: string | null;
  patientId: string;
  encounterId: string | null;
  kind: string;
  title: string;
  content: Record<string, unknown>;
}

/** The RFC 8785 canonical JSON of the signed fields: its UTF-8 bytes are what the clinician signs. */
export function signingInput(f: SignedFields): string {
  return canonicalJson({
    documentId: f.documentId,
    version: f.version,
    supersedes: f.supersedes,
    patientId: f.patientId,
    encounterId: f.encounterId,
    kind: f.kind,
    title: f.title,
    content: f.content,
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

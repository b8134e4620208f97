import type { KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import {
  keyMatchesCertificate,
  readCertificatePem,
  readPrivateKey,
  rsaKeyProblem,
  type CertificateFacts,
} from './certificate';
import { elementsByLocalName, inheritedXmlAttribute, isEmptyElement, positionalXPath } from './dom';
import {
  C14N_10,
  REFERENCE_TRANSFORMS,
  RSA_SHA256,
  SHA256,
  SIGNATURE_HOLDER,
  XMLDSIG_NS,
  XMLDSIG_PREFIX,
} from './profile';
import { findSignatureSlot } from './signature-slot';
import { parseStrictXml } from './strict-xml';

/**
 * Signs a BHYT document (GIAMDINHHS envelope, check-in CHI_TIEU_TRANG_THAI_KCB, …) with the facility
 * certificate: a W3C XML-DSig enveloped signature placed inside the last `<CHUKYDONVI>` (spec,
 * vietnam-bhyt-emr.md §1.2 and §1.3).
 *
 * - SignedInfo: Canonical XML 1.0 (inclusive), RSA-SHA256, one `Reference URI=""` (the whole document) with
 *   the enveloped-signature and C14N transforms and a SHA-256 digest (see ./profile).
 * - KeyInfo/X509Data/X509Certificate: the facility certificate, base64 DER.
 * - The caller's bytes are kept: the signature text is inserted, nothing is re-serialised (./signature-slot).
 *   Store the returned string as is (UTF-8) and send exactly that; any later re-formatting breaks the digest.
 * - The certificate must be valid at `at` (default now). Revocation (OCSP/CRL, NĐ 23/2025 Art. 15, spec §1.3)
 *   needs the network and the issuing CA and is left to the caller.
 *
 * xml-crypto computes the digest and signature; it parses the same text with the same parser (xmldom), and the
 * result is checked against xmlsec1 in the integration tests.
 */

export interface SignerMaterial {
  /** Unencrypted PEM private key (PKCS#8 or PKCS#1), e.g. from {@link loadPkcs12}. */
  readonly privateKeyPem: string;
  /** PEM certificate of that key. Only the first certificate is used and embedded. */
  readonly certificatePem: string;
}

export interface SignOptions {
  /** The instant the certificate must be valid at. Default: now. */
  readonly at?: Date;
  /** Longest accepted document, in UTF-16 code units (see parseStrictXml). */
  readonly maxLength?: number;
}

export type SignErrorCode =
  | 'MALFORMED'
  | 'NO_CHUKYDONVI'
  | 'CHUKYDONVI_NOT_EMPTY'
  | 'ALREADY_SIGNED'
  | 'INVALID_SIGNER'
  | 'CERTIFICATE_NOT_VALID'
  | 'SIGNING_FAILED';

export type SignResult =
  | { readonly ok: true; readonly xml: string }
  | { readonly ok: false; readonly code: SignErrorCode; readonly reason: string };

interface PreparedSigner {
  readonly privateKey: KeyObject;
  readonly certificate: CertificateFacts;
  readonly keyInfoContent: string;
}

export function signEnveloped(xml: string, signer: SignerMaterial, options: SignOptions = {}): SignResult {
  try {
    return signOrFail(xml, signer, options);
  } catch (error) {
    // Defensive: every expected problem is a result already; this catches library surprises.
    return fail(
      'SIGNING_FAILED',
      `signing failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function signOrFail(xml: string, signer: SignerMaterial, options: SignOptions): SignResult {
  const prepared = prepareSigner(signer);
  if (!prepared.ok) return prepared;
  const { certificate } = prepared.signer;

  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    return fail('CERTIFICATE_NOT_VALID', 'options.at is not a valid Date');
  }
  if (at < certificate.notBefore || at > certificate.notAfter) {
    const when = at < certificate.notBefore ? 'not yet valid' : 'expired';
    return fail(
      'CERTIFICATE_NOT_VALID',
      `the certificate ${certificate.subject} is ${when} at ${at.toISOString()} ` +
        `(valid ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()})`,
    );
  }

  const parsed = parseStrictXml(xml, { maxLength: options.maxLength });
  if (!parsed.ok) return fail('MALFORMED', parsed.reason);
  const { document } = parsed;

  if (elementsByLocalName(document, 'Signature', XMLDSIG_NS).length > 0) {
    return fail('ALREADY_SIGNED', 'the document already contains an XML-DSig Signature');
  }
  const holders = elementsByLocalName(document, SIGNATURE_HOLDER);
  const holder = holders[holders.length - 1];
  if (!holder) {
    return fail('NO_CHUKYDONVI', `the document has no <${SIGNATURE_HOLDER}> element to hold the signature`);
  }
  if (!isEmptyElement(holder)) {
    return fail('CHUKYDONVI_NOT_EMPTY', `the last <${SIGNATURE_HOLDER}> element is not empty`);
  }
  const xmlAttribute = inheritedXmlAttribute(holder);
  if (xmlAttribute) {
    return fail(
      'MALFORMED',
      `${xmlAttribute} would be inherited into the signature; not supported by this profile`,
    );
  }
  const slot = findSignatureSlot(xml, holders.length);
  if (!slot.ok) return fail('MALFORMED', slot.reason);

  const signature = new SignedXml({
    privateKey: prepared.signer.privateKey,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: C14N_10,
    // Our own KeyInfo content: exactly one certificate, computed once per signer instead of per document.
    getKeyInfoContent: () => prepared.signer.keyInfoContent,
  });
  signature.addReference({
    xpath: '/*',
    isEmptyUri: true,
    transforms: [...REFERENCE_TRANSFORMS],
    digestAlgorithm: SHA256,
  });
  signature.computeSignature(xml, {
    prefix: XMLDSIG_PREFIX,
    location: { reference: positionalXPath(holder), action: 'append' },
  });
  return { ok: true, xml: slot.insert(signature.getSignatureXml()) };
}

type PrepareResult =
  | { readonly ok: true; readonly signer: PreparedSigner }
  | Extract<SignResult, { ok: false }>;

/**
 * Parsing a PEM key costs about as much as the rest of signing a 40 KB envelope, so prepared signers are
 * cached per key/certificate pair (a facility has one or two). Bounded, oldest evicted first.
 */
const preparedSigners = new Map<string, PreparedSigner>();
const MAX_PREPARED_SIGNERS = 8;

function prepareSigner(signer: SignerMaterial): PrepareResult {
  if (!signer || typeof signer.privateKeyPem !== 'string' || typeof signer.certificatePem !== 'string') {
    return fail('INVALID_SIGNER', 'the signer needs privateKeyPem and certificatePem strings');
  }
  const cacheKey = `${signer.privateKeyPem}\u0000${signer.certificatePem}`;
  const cached = preparedSigners.get(cacheKey);
  if (cached) return { ok: true, signer: cached };

  const certificate = readCertificatePem(signer.certificatePem);
  if (!certificate)
    return fail('INVALID_SIGNER', 'certificatePem does not contain a readable X.509 certificate');
  const keyProblem = rsaKeyProblem(certificate.certificate);
  if (keyProblem) return fail('INVALID_SIGNER', keyProblem);
  const privateKey = readPrivateKey(signer.privateKeyPem);
  if (!privateKey) {
    return fail('INVALID_SIGNER', 'privateKeyPem is not a readable unencrypted PEM private key');
  }
  if (!keyMatchesCertificate(privateKey, certificate.certificate)) {
    return fail(
      'INVALID_SIGNER',
      `the private key does not belong to the certificate ${certificate.subject}`,
    );
  }

  const prefix = `${XMLDSIG_PREFIX}:`;
  const prepared: PreparedSigner = {
    privateKey,
    certificate,
    keyInfoContent:
      `<${prefix}X509Data><${prefix}X509Certificate>${certificate.der.toString('base64')}` +
      `</${prefix}X509Certificate></${prefix}X509Data>`,
  };
  if (preparedSigners.size >= MAX_PREPARED_SIGNERS) {
    const oldest = preparedSigners.keys().next().value;
    if (oldest !== undefined) preparedSigners.delete(oldest);
  }
  preparedSigners.set(cacheKey, prepared);
  return { ok: true, signer: prepared };
}

function fail(code: SignErrorCode, reason: string): Extract<SignResult, { ok: false }> {
  return { ok: false, code, reason };
}

import { SignedXml } from 'xml-crypto';
import {
  derToPem,
  pemCertificatesToDer,
  readCertificate,
  rsaKeyProblem,
  type CertificateFacts,
} from './certificate';
import {
  childElements,
  elementsByLocalName,
  hasNonWhitespaceText,
  inheritedXmlAttribute,
  textOnly,
} from './dom';
import { C14N_10, ENVELOPED_SIGNATURE, RSA_SHA256, SHA256, SIGNATURE_HOLDER, XMLDSIG_NS } from './profile';
import { parseStrictXml } from './strict-xml';

/**
 * Verifies the facility signature of a BHYT document against the profile in ./profile (spec,
 * vietnam-bhyt-emr.md §1.3): exactly one enveloped XML-DSig signature inside `<CHUKYDONVI>`, covering the
 * whole document (`Reference URI=""`), C14N 1.0 + RSA-SHA256 + SHA-256 only, verified with the certificate
 * embedded in KeyInfo/X509Data.
 *
 * The embedded certificate proves nothing by itself (anyone can sign with a certificate of their own), so
 * pass `trustedCertificatesPem` (the facility certificates registered on the BHXH portal) to require that the
 * embedded certificate is one of them, byte for byte. Chain building, expiry at verification time and
 * revocation are not checked here.
 *
 * Never throws: any input, hostile or not, gives a result.
 */

export interface VerifyOptions {
  /**
   * When given, the certificate in KeyInfo must equal (DER bytes) one of these. An empty list trusts nothing.
   * Entries that are not PEM certificates match nothing.
   */
  readonly trustedCertificatesPem?: readonly string[];
  /** Longest accepted document, in UTF-16 code units (see parseStrictXml). */
  readonly maxLength?: number;
}

export type VerifyErrorCode =
  | 'NO_SIGNATURE'
  | 'DIGEST_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'UNTRUSTED_CERTIFICATE'
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM';

export type VerifyResult =
  | { readonly ok: true; readonly signerSubject: string; readonly certificatePem: string }
  | { readonly ok: false; readonly code: VerifyErrorCode; readonly reason: string };

type Failure = Extract<VerifyResult, { ok: false }>;

export function verifyEnveloped(xml: string, options: VerifyOptions = {}): VerifyResult {
  try {
    return verifyOrFail(xml, options);
  } catch (error) {
    return fail(
      'MALFORMED',
      `verification failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function verifyOrFail(xml: string, options: VerifyOptions): VerifyResult {
  const parsed = parseStrictXml(xml, { maxLength: options.maxLength });
  if (!parsed.ok) return fail('MALFORMED', parsed.reason);
  const { document } = parsed;

  const signatures = elementsByLocalName(document, 'Signature', XMLDSIG_NS);
  const signature = signatures[0];
  if (!signature) return fail('NO_SIGNATURE', 'the document has no XML-DSig Signature');
  if (signatures.length > 1) {
    return fail(
      'MALFORMED',
      `the document has ${signatures.length} Signature elements; the profile allows exactly one`,
    );
  }
  const parent = signature.parentNode as Element | null;
  if (!parent || parent.nodeType !== 1 || parent.localName !== SIGNATURE_HOLDER) {
    return fail('MALFORMED', `the Signature is not inside <${SIGNATURE_HOLDER}>`);
  }
  const xmlAttribute = inheritedXmlAttribute(parent);
  if (xmlAttribute) {
    return fail(
      'MALFORMED',
      `${xmlAttribute} is inherited into the signature; not supported by this profile`,
    );
  }
  // xml-crypto locates SignedInfo's ancestors with a document-wide search by local name; make it unambiguous.
  if (elementsByLocalName(document, 'SignedInfo').length !== 1) {
    return fail('MALFORMED', 'the document has more than one SignedInfo element');
  }

  const structure = checkSignatureStructure(signature);
  if (!structure.ok) return structure;
  const { certificate } = structure;

  const trusted = options.trustedCertificatesPem;
  if (trusted !== undefined && !isTrusted(certificate, trusted)) {
    // Checked before the cryptography: an untrusted certificate makes the rest moot.
    return fail(
      'UNTRUSTED_CERTIFICATE',
      `the signing certificate ${certificate.subject} (serial ${certificate.serialNumber}) is not one of the trusted certificates`,
    );
  }

  const verifier = new SignedXml({
    publicCert: certificate.certificate.publicKey,
    // Use only the key given above; never let xml-crypto pick a key from the document.
    getCertFromKeyInfo: () => null,
  });
  verifier.loadSignature(signature);
  let valid: boolean;
  try {
    valid = verifier.checkSignature(xml);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/signature value .* is incorrect/i.test(message)) {
      return fail('SIGNATURE_INVALID', 'the SignatureValue does not verify with the embedded certificate');
    }
    return fail('MALFORMED', `the signature could not be processed: ${message}`);
  }
  if (!valid) {
    return fail(
      'DIGEST_MISMATCH',
      'the signed content changed after signing (the SHA-256 digest does not match)',
    );
  }
  return { ok: true, signerSubject: certificate.subject, certificatePem: derToPem(certificate.der) };
}

type StructureResult = { readonly ok: true; readonly certificate: CertificateFacts } | Failure;

/**
 * The signature must have exactly the shape the profile produces (W3C XML-DSig 1.1 §4: Signature =
 * SignedInfo, SignatureValue, KeyInfo). Being exact matters: xml-crypto reads algorithms with "first
 * descendant named …" searches, so no extra element may sit where such a search could find it first.
 */
function checkSignatureStructure(signature: Element): StructureResult {
  const parts = dsChildren(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo']);
  if (!parts.ok) return parts;
  const [signedInfo, signatureValue, keyInfo] = parts.elements as [Element, Element, Element];

  const info = dsChildren(signedInfo, ['CanonicalizationMethod', 'SignatureMethod', 'Reference']);
  if (!info.ok) return info;
  const [canonicalization, signatureMethod, reference] = info.elements as [Element, Element, Element];
  const c14n = algorithmOf(canonicalization, [C14N_10], 'CanonicalizationMethod');
  if (c14n) return c14n;
  const method = algorithmOf(signatureMethod, [RSA_SHA256], 'SignatureMethod');
  if (method) return method;

  if (!reference.hasAttribute('URI') || reference.getAttribute('URI') !== '') {
    return fail('MALFORMED', 'the Reference must cover the whole document (URI="")');
  }
  const referenceParts = dsChildren(reference, ['Transforms', 'DigestMethod', 'DigestValue']);
  if (!referenceParts.ok) return referenceParts;
  const [transforms, digestMethod, digestValue] = referenceParts.elements as [Element, Element, Element];
  const transformProblem = checkTransforms(transforms);
  if (transformProblem) return transformProblem;
  const digest = algorithmOf(digestMethod, [SHA256], 'DigestMethod');
  if (digest) return digest;
  const digestBytes = base64Content(digestValue);
  if (digestBytes?.length !== 32) return fail('MALFORMED', 'DigestValue is not a base64 SHA-256 digest');
  if (!base64Content(signatureValue)?.length)
    return fail('MALFORMED', 'SignatureValue is empty or not base64');

  const certificate = embeddedCertificate(keyInfo);
  if (!certificate.ok) return certificate;
  const keyProblem = rsaKeyProblem(certificate.certificate.certificate);
  if (keyProblem) return fail('UNSUPPORTED_ALGORITHM', keyProblem);
  return certificate;
}

/**
 * Enveloped-signature, optionally followed by C14N 1.0 (which is implied anyway: W3C XML-DSig 1.1 §4.4.3.2,
 * a node-set left at the end is canonicalised with C14N 1.0). .NET `SignedXml` tools often omit it.
 * Anything else (XPath, XSLT, exclusive C14N, comments) is refused.
 */
function checkTransforms(transforms: Element): Failure | undefined {
  if (hasNonWhitespaceText(transforms)) return fail('MALFORMED', 'Transforms contains text');
  const list = childElements(transforms);
  const algorithms: string[] = [];
  for (const transform of list) {
    if (transform.namespaceURI !== XMLDSIG_NS || transform.localName !== 'Transform') {
      return fail('MALFORMED', `unexpected <${transform.tagName}> in Transforms`);
    }
    if (childElements(transform).length > 0 || hasNonWhitespaceText(transform)) {
      return fail(
        'UNSUPPORTED_ALGORITHM',
        'Transform parameters (XPath, XSLT, prefix lists) are not supported',
      );
    }
    algorithms.push(transform.getAttribute('Algorithm') ?? '');
  }
  const accepted =
    algorithms.length >= 1 &&
    algorithms.length <= 2 &&
    algorithms[0] === ENVELOPED_SIGNATURE &&
    (algorithms.length === 1 || algorithms[1] === C14N_10);
  if (!accepted) {
    return fail(
      'UNSUPPORTED_ALGORITHM',
      `the Reference transforms must be enveloped-signature then C14N 1.0, got [${algorithms.join(', ')}]`,
    );
  }
  return undefined;
}

function embeddedCertificate(keyInfo: Element): StructureResult {
  // KeyInfo may carry more (KeyName, several X509Data); the signer's certificate is the first X509Certificate
  // of the first X509Data, as .NET SignedXml and xmlsec1 write it.
  const x509Data = childElements(keyInfo).find(
    (el) => el.namespaceURI === XMLDSIG_NS && el.localName === 'X509Data',
  );
  const element = x509Data
    ? childElements(x509Data).find(
        (el) => el.namespaceURI === XMLDSIG_NS && el.localName === 'X509Certificate',
      )
    : undefined;
  if (!element) return fail('MALFORMED', 'KeyInfo has no X509Data/X509Certificate (the signer certificate)');
  const der = base64Content(element);
  const certificate = der?.length ? readCertificate(der) : undefined;
  if (!certificate) return fail('MALFORMED', 'the X509Certificate in KeyInfo is not a readable certificate');
  return { ok: true, certificate };
}

function isTrusted(certificate: CertificateFacts, trustedPem: readonly string[]): boolean {
  if (!Array.isArray(trustedPem)) return false;
  for (const pem of trustedPem) {
    if (typeof pem !== 'string') continue;
    if (pemCertificatesToDer(pem).some((der) => der.equals(certificate.der))) return true;
  }
  return false;
}

type ChildrenResult = { readonly ok: true; readonly elements: Element[] } | Failure;

/** The element's children must be exactly these XML-DSig elements, in this order (whitespace aside). */
function dsChildren(element: Element, expected: readonly string[]): ChildrenResult {
  if (hasNonWhitespaceText(element))
    return fail('MALFORMED', `<${element.tagName}> contains unexpected text`);
  const children = childElements(element);
  const names = children.map((child) =>
    child.namespaceURI === XMLDSIG_NS ? child.localName : child.tagName,
  );
  if (names.length !== expected.length || names.some((name, i) => name !== expected[i])) {
    return fail(
      'MALFORMED',
      `<${element.localName}> must contain exactly ${expected.join(', ')}; found ${names.join(', ') || 'nothing'}`,
    );
  }
  return { ok: true, elements: children };
}

function algorithmOf(element: Element, accepted: readonly string[], what: string): Failure | undefined {
  if (childElements(element).length > 0 || hasNonWhitespaceText(element)) {
    return fail('UNSUPPORTED_ALGORITHM', `${what} parameters are not supported`);
  }
  const algorithm = element.getAttribute('Algorithm') ?? '';
  if (accepted.includes(algorithm)) return undefined;
  return fail(
    'UNSUPPORTED_ALGORITHM',
    `${what} ${algorithm || '(none)'} is not allowed; expected ${accepted.join(' or ')}`,
  );
}

/** Decoded base64 text content (whitespace allowed, as xmlsec1 wraps lines); `undefined` if not base64. */
function base64Content(element: Element): Buffer | undefined {
  const text = textOnly(element);
  if (text === undefined) return undefined;
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

function fail(code: VerifyErrorCode, reason: string): Failure {
  return { ok: false, code, reason };
}

/**
 * The XML-DSig profile used for the facility signature in `<CHUKYDONVI>`.
 *
 * The spec (vietnam-bhyt-emr.md §1.3) says the BHXH guide asks for a signature "in `<CHUKYDONVI>` at the end
 * of the file, using SHA-256", and that Vietnamese HIS tools in practice produce a W3C XML-DSig enveloped
 * signature: `Reference URI=""`, the enveloped-signature and C14N transforms, RSA with SHA-256, and
 * `KeyInfo/X509Data` carrying the facility certificate, appended inside `<CHUKYDONVI>`.
 *
 * Everything here is fixed on purpose. The verifier accepts exactly these algorithms and nothing else (no SHA-1,
 * no HMAC, no XPath/XSLT transforms): a verifier that follows whatever algorithm a document names can be talked
 * into weak or dangerous processing by that document.
 */

/** XML-DSig namespace (W3C XML-DSig 1.1 §4). */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Prefix of the signature elements we write: `<ds:Signature xmlns:ds="…">`, as the spec §1.3 shows. */
export const XMLDSIG_PREFIX = 'ds';

/** Canonical XML 1.0, inclusive, without comments (W3C XML-DSig 1.1 §6.5.1). */
export const C14N_10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/** RSASSA-PKCS1-v1_5 with SHA-256 (RFC 6931 §2.3.2; W3C XML-DSig 1.1 §6.4.2). */
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** SHA-256 digest (W3C XML-DSig 1.1 §6.2.3). */
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** Enveloped-signature transform (W3C XML-DSig 1.1 §6.6.4). */
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** The transforms of the one Reference, in order. */
export const REFERENCE_TRANSFORMS: readonly string[] = [ENVELOPED_SIGNATURE, C14N_10];

/** Local name of the element that receives the signature (spec §1.2 and §1.3). */
export const SIGNATURE_HOLDER = 'CHUKYDONVI';

/**
 * Smallest RSA modulus accepted, for signing and for verifying. 2048 bits is the floor of current public-CA
 * practice (CA/Browser Forum baseline requirements; NIST SP 800-131A); a shorter facility key is refused
 * rather than silently producing or accepting a weak signature.
 */
export const MIN_RSA_BITS = 2048;

/**
 * Largest document the signer and verifier will parse (UTF-16 code units of the string). A GIAMDINHHS
 * envelope is about 20–60 KB (one care episode per call, spec §1.2); 64 Mi leaves ample room for long
 * inpatient stays while bounding the memory a hostile input can make us spend.
 */
export const DEFAULT_MAX_XML_LENGTH = 64 * 1024 * 1024;

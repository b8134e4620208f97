/**
 * Facility signature for BHYT XML (spec, vietnam-bhyt-emr.md §1.3): PKCS#12 loading, development
 * certificates, and the W3C XML-DSig enveloped signature inside `<CHUKYDONVI>`.
 */
export { loadPkcs12, MAX_PKCS12_BYTES, type Pkcs12ErrorCode, type Pkcs12Result } from './pkcs12';
export {
  createDevelopmentPkcs12,
  DEVELOPMENT_CERTIFICATE_UNIT,
  type DevelopmentPkcs12Options,
} from './development-certificate';
export {
  signEnveloped,
  type SignErrorCode,
  type SignOptions,
  type SignResult,
  type SignerMaterial,
} from './sign';
export { verifyEnveloped, type VerifyErrorCode, type VerifyOptions, type VerifyResult } from './verify';
export {
  C14N_10,
  DEFAULT_MAX_XML_LENGTH,
  ENVELOPED_SIGNATURE,
  MIN_RSA_BITS,
  RSA_SHA256,
  SHA256,
  XMLDSIG_NS,
} from './profile';

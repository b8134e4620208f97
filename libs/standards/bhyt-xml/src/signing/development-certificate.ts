import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as forge from 'node-forge';

/**
 * DEVELOPMENT ONLY. NOT FOR PRODUCTION.
 *
 * A self-signed RSA certificate and key in a PKCS#12 file, for tests, demos and a fresh install before the
 * facility has its real certificate. BHXH accepts only the certificate the facility registered on the portal,
 * issued by a licensed Vietnamese CA (spec, vietnam-bhyt-emr.md §1.3), so envelopes signed with this one
 * will be rejected there, which is the point. The subject carries an organizational unit that says so.
 *
 * Nothing private belongs in the repository: tests create their certificate at run time with this function.
 */

export interface DevelopmentPkcs12Options {
  readonly commonName: string;
  readonly organization?: string;
  /** Password protecting the PKCS#12 file. */
  readonly password: string;
  /** Start of validity. Default: now. */
  readonly validFrom?: Date;
  /** Length of validity in days. Default 365. */
  readonly validDays?: number;
  /**
   * RSA modulus size. Default 2048. Values from 1024 are accepted so tests can check that short keys are
   * refused; the signing profile itself requires at least 2048 bits.
   */
  readonly keyBits?: number;
}

/** Marker placed in the subject's OU so nobody mistakes this certificate for a real one. */
export const DEVELOPMENT_CERTIFICATE_UNIT = 'DEVELOPMENT CERTIFICATE - NOT FOR PRODUCTION';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a self-signed certificate and key and returns them as PKCS#12 (DER) bytes, AES-256 encrypted with
 * `password`. Throws `RangeError`/`TypeError` for invalid options (a programming error, not a data error).
 */
export function createDevelopmentPkcs12(options: DevelopmentPkcs12Options): Buffer {
  const { commonName, organization, password } = options;
  if (typeof commonName !== 'string' || commonName.trim() === '') {
    throw new TypeError('commonName must be a non-empty string');
  }
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const keyBits = options.keyBits ?? 2048;
  if (!Number.isInteger(keyBits) || keyBits < 1024 || keyBits > 8192) {
    throw new RangeError(`keyBits must be an integer from 1024 to 8192, got ${keyBits}`);
  }
  const validDays = options.validDays ?? 365;
  if (!Number.isFinite(validDays) || validDays <= 0) {
    throw new RangeError(`validDays must be a positive number, got ${validDays}`);
  }
  const validFrom = options.validFrom ?? new Date();
  if (!(validFrom instanceof Date) || Number.isNaN(validFrom.getTime())) {
    throw new TypeError('validFrom must be a valid Date');
  }

  // Node generates the key natively (fast); forge builds the certificate and the PKCS#12 container.
  const { privateKey: privateKeyPem } = generateKeyPairSync('rsa', {
    modulusLength: keyBits,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(privateKeyPem);
  const publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);

  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = positiveSerialNumber();
  certificate.validity.notBefore = validFrom;
  certificate.validity.notAfter = new Date(validFrom.getTime() + validDays * DAY_MS);
  const name = distinguishedName(commonName, organization);
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true, nonRepudiation: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(privateKey, forge.md.sha256.create());

  const pkcs12 = forge.pkcs12.toPkcs12Asn1(privateKey, [certificate], password, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
  });
  return Buffer.from(forge.asn1.toDer(pkcs12).getBytes(), 'binary');
}

/** 16 random bytes, top bit clear so the INTEGER is positive (RFC 5280 §4.1.2.2: at most 20 octets). */
function positiveSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** UTF8String attributes, so Vietnamese names (Bệnh viện …) are stored correctly (RFC 5280 §4.1.2.4). */
function distinguishedName(
  commonName: string,
  organization: string | undefined,
): forge.pki.CertificateField[] {
  // forge reads `valueTagClass` as the ASN.1 string type; @types/node-forge mistypes it as a tag class.
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  const fields: forge.pki.CertificateField[] = [{ name: 'countryName', value: 'VN' }];
  if (organization) fields.push({ name: 'organizationName', value: organization, valueTagClass: utf8 });
  fields.push({ name: 'organizationalUnitName', value: DEVELOPMENT_CERTIFICATE_UNIT, valueTagClass: utf8 });
  fields.push({ name: 'commonName', value: commonName, valueTagClass: utf8 });
  return fields;
}

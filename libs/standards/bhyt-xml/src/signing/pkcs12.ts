import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as forge from 'node-forge';
import { derToPem, keyMatchesCertificate, readCertificate, type CertificateFacts } from './certificate';

/**
 * Reading the facility's PKCS#12 (.p12 / .pfx) file: the private key and certificate that sign the BHYT
 * envelopes (spec, vietnam-bhyt-emr.md §1.3: the facility certificate is registered on the BHXH portal and
 * the signature carries it in KeyInfo/X509Data).
 *
 * Node's crypto cannot read PKCS#12, so node-forge decodes the container (MAC check, PBES1/PBES2
 * decryption, 3DES/RC2/AES as exported by Windows, OpenSSL and CA tools); Node's crypto then parses the key
 * and certificates, so EC or unusual certificates are still read correctly.
 */

export type Pkcs12ErrorCode =
  | 'BAD_PASSWORD'
  | 'NO_KEY'
  | 'NO_CERTIFICATE'
  | 'KEY_CERT_MISMATCH'
  | 'MALFORMED';

export type Pkcs12Result =
  | {
      readonly ok: true;
      /** Unencrypted PKCS#8 PEM. Keep it in memory only. */
      readonly privateKeyPem: string;
      /** The certificate that belongs to the private key. */
      readonly certificatePem: string;
      /** The other certificates in the file (usually the issuing CA chain), in file order. */
      readonly chainPem: string[];
      /** Subject of the certificate, `C=VN, O=…, CN=…` in certificate order. */
      readonly subject: string;
      /** Upper-case hexadecimal. */
      readonly serialNumber: string;
      readonly notBefore: Date;
      readonly notAfter: Date;
    }
  | { readonly ok: false; readonly code: Pkcs12ErrorCode; readonly reason: string };

/**
 * Largest PKCS#12 file accepted. A facility .p12 with a CA chain is a few KB; the limit only keeps a wrong
 * file (a backup, a video) from being decoded by the pure-JavaScript ASN.1 reader.
 */
export const MAX_PKCS12_BYTES = 1024 * 1024;

/**
 * Opens a PKCS#12 file and returns the private key with its certificate. The key is matched to the
 * certificate by public key, not by the optional `localKeyId` attribute, which some exporters omit.
 */
export function loadPkcs12(der: Buffer | Uint8Array, password: string): Pkcs12Result {
  if (!(der instanceof Uint8Array) || der.length === 0) {
    return fail('MALFORMED', 'the PKCS#12 data is empty or not binary (pass a Buffer with the file bytes)');
  }
  if (der.length > MAX_PKCS12_BYTES) {
    return fail(
      'MALFORMED',
      `the PKCS#12 data is ${der.length} bytes, over the ${MAX_PKCS12_BYTES}-byte limit`,
    );
  }
  if (typeof password !== 'string') return fail('BAD_PASSWORD', 'the password must be a string');

  let pfxAsn1: forge.asn1.Asn1;
  try {
    pfxAsn1 = forge.asn1.fromDer(Buffer.from(der).toString('binary'), false);
  } catch (error) {
    return fail('MALFORMED', `the data is not a PKCS#12 file (ASN.1: ${messageOf(error)})`);
  }

  const opened = openPfx(pfxAsn1, password);
  if (!opened.ok) return opened;
  return pairKeyAndCertificate(opened.pfx);
}

type OpenResult =
  | { readonly ok: true; readonly pfx: forge.pkcs12.Pkcs12Pfx }
  | Extract<Pkcs12Result, { ok: false }>;

function openPfx(pfxAsn1: forge.asn1.Asn1, password: string): OpenResult {
  const first = tryOpen(pfxAsn1, password);
  // RFC 7292 leaves "no password" ambiguous: some tools derive keys from an empty BMPString (just the
  // terminator), others from no bytes at all. OpenSSL tries both for an empty password; so do we.
  if (!first.ok && first.code === 'BAD_PASSWORD' && password === '') {
    const second = tryOpen(pfxAsn1, undefined);
    if (second.ok) return second;
  }
  return first;
}

function tryOpen(pfxAsn1: forge.asn1.Asn1, password: string | undefined): OpenResult {
  try {
    // Non-strict DER: Windows and some CA tools write BER (indefinite lengths) inside the container.
    return { ok: true, pfx: forge.pkcs12.pkcs12FromAsn1(pfxAsn1, false, password) };
  } catch (error) {
    const message = messageOf(error);
    if (/MAC could not be verified|wrong password|Failed to decrypt/i.test(message)) {
      return fail('BAD_PASSWORD', 'the password is wrong (the PKCS#12 integrity check or decryption failed)');
    }
    if (/Cannot read PKCS#12 PFX/i.test(message)) {
      return fail('MALFORMED', 'the data is ASN.1 but not a PKCS#12 PFX structure');
    }
    // Without a MAC a wrong password shows up as undecodable plaintext, hence "or".
    return fail(
      'MALFORMED',
      `the PKCS#12 file could not be read: ${message} (corrupt file or wrong password)`,
    );
  }
}

function pairKeyAndCertificate(pfx: forge.pkcs12.Pkcs12Pfx): Pkcs12Result {
  const keys = collectKeys(pfx);
  const certificates = collectCertificates(pfx);
  if (keys.length === 0) {
    return fail(
      'NO_KEY',
      'the PKCS#12 file holds no private key (an export without the key, or a key type not read)',
    );
  }
  if (certificates.length === 0) return fail('NO_CERTIFICATE', 'the PKCS#12 file holds no certificate');

  for (const key of keys) {
    const leaf = certificates.find((candidate) => keyMatchesCertificate(key, candidate.certificate));
    if (!leaf) continue;
    return {
      ok: true,
      privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificatePem: derToPem(leaf.der),
      chainPem: certificates.filter((other) => other !== leaf).map((other) => derToPem(other.der)),
      subject: leaf.subject,
      serialNumber: leaf.serialNumber,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
    };
  }
  return fail(
    'KEY_CERT_MISMATCH',
    `none of the ${certificates.length} certificate(s) in the file belongs to the private key`,
  );
}

function collectKeys(pfx: forge.pkcs12.Pkcs12Pfx): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const bagType of [forge.pki.oids['pkcs8ShroudedKeyBag'], forge.pki.oids['keyBag']]) {
    if (!bagType) continue;
    for (const bag of pfx.getBags({ bagType })[bagType] ?? []) {
      const key = keyFromBag(bag);
      if (key) keys.push(key);
    }
  }
  return keys;
}

/** forge decodes RSA keys itself and leaves others (EC) as ASN.1; both become PKCS#8 DER for Node. */
function keyFromBag(bag: forge.pkcs12.Bag): KeyObject | undefined {
  try {
    const privateKeyInfo = bag.key
      ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
      : (bag.asn1 as forge.asn1.Asn1 | undefined);
    if (!privateKeyInfo) return undefined;
    const der = Buffer.from(forge.asn1.toDer(privateKeyInfo).getBytes(), 'binary');
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return undefined;
  }
}

function collectCertificates(pfx: forge.pkcs12.Pkcs12Pfx): CertificateFacts[] {
  const bagType = forge.pki.oids['certBag'];
  if (!bagType) return [];
  const certificates: CertificateFacts[] = [];
  for (const bag of pfx.getBags({ bagType })[bagType] ?? []) {
    try {
      const asn1 = bag.cert ? originalCertificateAsn1(bag.cert) : (bag.asn1 as forge.asn1.Asn1 | undefined);
      if (!asn1) continue;
      const facts = readCertificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
      if (facts) certificates.push(facts);
    } catch {
      // An unreadable certificate bag is skipped; if it was the key's certificate, pairing reports it.
    }
  }
  return certificates;
}

/**
 * The certificate exactly as issued. forge keeps the signed part (`tbsCertificate`) as decoded, but rebuilds
 * the outer signature AlgorithmIdentifier from the OID, always with NULL parameters. A certificate that omits
 * them would come back with different bytes, and its hash would no longer match the one registered on the
 * BHXH portal. RFC 5280 §4.1.1.2 requires the outer field to equal the `signature` field inside the signed
 * part, so that inner copy is used instead.
 */
function originalCertificateAsn1(certificate: forge.pki.Certificate): forge.asn1.Asn1 {
  const { asn1 } = forge;
  const tbs = certificate.tbsCertificate;
  const fields = tbs.value as forge.asn1.Asn1[];
  // TBSCertificate: [0] version (optional, explicit), serialNumber, signature AlgorithmIdentifier, …
  const hasVersion = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  const algorithm = fields[hasVersion ? 2 : 1];
  if (!algorithm) return forge.pki.certificateToAsn1(certificate);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithm,
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.BITSTRING,
      false,
      String.fromCharCode(0) + certificate.signature,
    ),
  ]);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(code: Pkcs12ErrorCode, reason: string): Extract<Pkcs12Result, { ok: false }> {
  return { ok: false, code, reason };
}

import { createPublicKey, sign, verify, X509Certificate } from 'node:crypto';
import * as forge from 'node-forge';
import { createDevelopmentPkcs12, DEVELOPMENT_CERTIFICATE_UNIT } from './development-certificate';
import { loadPkcs12 } from './pkcs12';

/** A forge key and self-signed certificate, for building unusual PKCS#12 files by hand. */
function forgeKeyAndCertificate(commonName: string) {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = '0a1b2c';
  certificate.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  certificate.validity.notAfter = new Date('2027-01-01T00:00:00Z');
  certificate.setSubject([{ name: 'commonName', value: commonName }]);
  certificate.setIssuer([{ name: 'commonName', value: commonName }]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
  return { keys, certificate, der };
}

function toPkcs12(
  key: forge.pki.rsa.PrivateKey | null,
  certificates: forge.pki.Certificate[] | null,
  password: string | null,
  algorithm: 'aes256' | '3des' = 'aes256',
): Buffer {
  // forge's typings require a certificate; its code accepts null (a key-only file).
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certificates as forge.pki.Certificate[], password, {
    algorithm,
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

describe('createDevelopmentPkcs12 + loadPkcs12', () => {
  const validFrom = new Date('2026-03-01T08:30:00.000Z');
  const p12 = createDevelopmentPkcs12({
    commonName: 'Bệnh viện Nguyễn Thị Hoà',
    organization: 'Sở Y tế Hà Nội',
    password: 'mật khẩu',
    validFrom,
    validDays: 30,
  });

  it('round-trips the key and a self-signed certificate with the requested subject and validity', () => {
    const loaded = loadPkcs12(p12, 'mật khẩu');
    if (!loaded.ok) throw new Error(loaded.reason);

    expect(loaded.subject).toBe(
      `C=VN, O=Sở Y tế Hà Nội, OU=${DEVELOPMENT_CERTIFICATE_UNIT}, CN=Bệnh viện Nguyễn Thị Hoà`,
    );
    expect(loaded.notBefore).toEqual(validFrom);
    expect(loaded.notAfter).toEqual(new Date('2026-03-31T08:30:00.000Z'));
    expect(loaded.serialNumber).toMatch(/^[0-9A-F]{32}$/);
    expect(loaded.chainPem).toEqual([]);
    expect(loaded.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(loaded.certificatePem).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/,
    );

    const certificate = new X509Certificate(loaded.certificatePem);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    // The key really is the certificate's key.
    const data = Buffer.from('Nguyễn Thị Hoà');
    const signature = sign('sha256', data, loaded.privateKeyPem);
    expect(verify('sha256', data, createPublicKey(loaded.certificatePem), signature)).toBe(true);
  });

  it('reports a wrong password as BAD_PASSWORD', () => {
    const loaded = loadPkcs12(p12, 'wrong password');
    expect(loaded).toMatchObject({ ok: false, code: 'BAD_PASSWORD' });
    expect(loaded.ok ? '' : loaded.reason).toMatch(/password/);
  });

  it('makes a fresh serial number and key every time', () => {
    const a = loadPkcs12(createDevelopmentPkcs12({ commonName: 'A', password: 'x', keyBits: 1024 }), 'x');
    const b = loadPkcs12(createDevelopmentPkcs12({ commonName: 'A', password: 'x', keyBits: 1024 }), 'x');
    if (!a.ok || !b.ok) throw new Error('load failed');
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.certificatePem).not.toBe(b.certificatePem);
  });

  it('defaults to one year from now and honours keyBits', () => {
    const before = Date.now();
    const loaded = loadPkcs12(
      createDevelopmentPkcs12({ commonName: 'Dev', password: '', keyBits: 1024 }),
      '',
    );
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(loaded.notBefore.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(loaded.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
    expect(loaded.notAfter.getTime() - loaded.notBefore.getTime()).toBe(365 * 24 * 3600 * 1000);
    expect(new X509Certificate(loaded.certificatePem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(
      1024,
    );
  });

  it('rejects invalid options', () => {
    expect(() => createDevelopmentPkcs12({ commonName: ' ', password: 'x' })).toThrow(TypeError);
    expect(() => createDevelopmentPkcs12({ commonName: 'A', password: 'x', keyBits: 512 })).toThrow(
      RangeError,
    );
    expect(() => createDevelopmentPkcs12({ commonName: 'A', password: 'x', validDays: 0 })).toThrow(
      RangeError,
    );
    expect(() =>
      createDevelopmentPkcs12({ commonName: 'A', password: 'x', validFrom: new Date('x') }),
    ).toThrow(TypeError);
  });
});

describe('loadPkcs12 on other files', () => {
  const facility = forgeKeyAndCertificate('Facility');
  const other = forgeKeyAndCertificate('Other');

  it('reads a 3DES file and returns the other certificates as the chain', () => {
    const p12 = toPkcs12(facility.keys.privateKey, [other.certificate, facility.certificate], 'pw', '3des');
    const loaded = loadPkcs12(p12, 'pw');
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(loaded.subject).toBe('CN=Facility');
    expect(loaded.chainPem).toHaveLength(1);
    expect(new X509Certificate(loaded.chainPem[0]!).subject).toBe('CN=Other');
    expect(loaded.serialNumber).toBe('0A1B2C');
  });

  it('returns the certificate byte for byte', () => {
    const loaded = loadPkcs12(toPkcs12(facility.keys.privateKey, [facility.certificate], 'pw'), 'pw');
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(Buffer.from(new X509Certificate(loaded.certificatePem).raw)).toEqual(facility.der);
  });

  it('opens a file protected with an empty password', () => {
    expect(loadPkcs12(toPkcs12(facility.keys.privateKey, [facility.certificate], ''), '')).toMatchObject({
      ok: true,
    });
  });

  it('reports NO_KEY for a certificate-only file', () => {
    expect(loadPkcs12(toPkcs12(null, [facility.certificate], 'pw'), 'pw')).toMatchObject({
      ok: false,
      code: 'NO_KEY',
    });
  });

  it('reports NO_CERTIFICATE for a key-only file', () => {
    expect(loadPkcs12(toPkcs12(facility.keys.privateKey, null, 'pw'), 'pw')).toMatchObject({
      ok: false,
      code: 'NO_CERTIFICATE',
    });
  });

  it('reports KEY_CERT_MISMATCH when no certificate belongs to the key', () => {
    const loaded = loadPkcs12(toPkcs12(facility.keys.privateKey, [other.certificate], 'pw'), 'pw');
    expect(loaded).toMatchObject({ ok: false, code: 'KEY_CERT_MISMATCH' });
  });

  it('reports MALFORMED for data that is not PKCS#12', () => {
    expect(loadPkcs12(Buffer.alloc(0), 'pw')).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(loadPkcs12(Buffer.from('not a pkcs12 file at all'), 'pw')).toMatchObject({
      ok: false,
      code: 'MALFORMED',
    });
    // Valid DER, but a certificate rather than a PFX.
    expect(loadPkcs12(facility.der, 'pw')).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(loadPkcs12(Buffer.alloc(2 * 1024 * 1024), 'pw')).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(loadPkcs12('file.p12' as unknown as Buffer, 'pw')).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('never throws on truncated or corrupted files', () => {
    const p12 = toPkcs12(facility.keys.privateKey, [facility.certificate], 'pw');
    for (let length = 0; length < p12.length; length += 97) {
      expect(loadPkcs12(p12.subarray(0, length), 'pw').ok).toBe(false);
    }
    for (let i = 0; i < 50; i++) {
      const corrupted = Buffer.from(p12);
      const at = (i * 131) % corrupted.length;
      corrupted[at] = (corrupted[at] ?? 0) ^ 0x5a;
      expect(() => loadPkcs12(corrupted, 'pw')).not.toThrow();
    }
  });
});

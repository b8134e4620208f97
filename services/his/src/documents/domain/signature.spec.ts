import { generateKeyPairSync, sign } from 'node:crypto';
import { checkPublicKey, signingInput, verifySignature } from './signature';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ed = generateKeyPairSync('ed25519');
const edPem = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPkcs1Pem = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('checkPublicKey', () => {
  it('accepts a key of the algorithm and returns it as SPKI PEM', () => {
    expect(checkPublicKey(ecPem, 'ES256')).toMatchObject({ ok: true, spkiPem: ecPem });
    expect(checkPublicKey(edPem, 'Ed25519')).toMatchObject({ ok: true, spkiPem: edPem });
    const r = checkPublicKey(rsaPkcs1Pem, 'RS256');
    expect(r.ok && r.spkiPem.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
  });

  it('refuses a key of another type or curve', () => {
    expect(checkPublicKey(edPem, 'ES256')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('ed25519'),
    });
    expect(checkPublicKey(ecPem, 'RS256').ok).toBe(false);
    expect(checkPublicKey(rsaPkcs1Pem, 'Ed25519').ok).toBe(false);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(checkPublicKey(p384.toString(), 'ES256')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('secp384r1'),
    });
  });

  it('refuses short RSA keys', () => {
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(checkPublicKey(short.toString(), 'RS256')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('1024'),
    });
  });

  it('refuses private keys (createPublicKey would quietly derive the public half) and non-keys', () => {
    const priv = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(checkPublicKey(priv, 'ES256')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('private key'),
    });
    expect(checkPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'ES256').ok).toBe(
      false,
    );
    expect(checkPublicKey('hello', 'Ed25519').ok).toBe(false);
  });
});

describe('verifySignature', () => {
  const data = Buffer.from(
    signingInput({
      documentId: '3f0c5c55-5d2b-4d7e-9a43-0d3c6a1f2b10',
      version: 1,
      supersedes: null,
      patientId: '9b1d2f4e-7c1a-4d3b-8e55-1f2a3b4c5d6e',
      encounterId: null,
      kind: 'progress-note',
      title: 'Diễn biến bệnh',
      content: { text: 'Bệnh nhân tỉnh, sốt nhẹ 37.8°C', vitals: { pulse: 88 } },
    }),
    'utf8',
  );

  it('verifies ES256 in IEEE P1363 form and refuses DER', () => {
    const p1363 = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    const der = sign('sha256', data, ec.privateKey);
    expect(p1363).toHaveLength(64);
    expect(verifySignature('ES256', ecPem, data, p1363)).toBe(true);
    expect(verifySignature('ES256', ecPem, data, der)).toBe(false);
  });

  it('verifies RS256 and Ed25519', () => {
    expect(verifySignature('RS256', rsaPkcs1Pem, data, sign('sha256', data, rsa.privateKey))).toBe(true);
    expect(verifySignature('Ed25519', edPem, data, sign(null, data, ed.privateKey))).toBe(true);
  });

  it('refuses a signature over other bytes, by another key, or of the wrong shape, without throwing', () => {
    const sig = sign(null, data, ed.privateKey);
    const other = Buffer.from(data);
    other[other.length - 2] ^= 1;
    expect(verifySignature('Ed25519', edPem, other, sig)).toBe(false);
    const otherKey = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(verifySignature('Ed25519', otherKey, data, sig)).toBe(false);
    expect(verifySignature('Ed25519', edPem, data, Buffer.alloc(3))).toBe(false);
    expect(verifySignature('ES256', 'not a key', data, sig)).toBe(false);
  });
});

describe('signingInput', () => {
  it('is the canonical JSON of exactly the signed fields, sorted, with nulls kept', () => {
    expect(
      signingInput({
        documentId: 'd',
        version: 2,
        supersedes: 's',
        patientId: 'p',
        encounterId: null,
        kind: 'consent',
        title: 'T',
        content: { b: 1, a: [true] },
      }),
    ).toBe(
      '{"content":{"a":[true],"b":1},"documentId":"d","encounterId":null,"kind":"consent","patientId":"p","supersedes":"s","title":"T","version":2}',
    );
  });
});

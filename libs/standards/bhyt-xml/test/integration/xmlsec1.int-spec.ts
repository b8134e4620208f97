import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDevelopmentPkcs12,
  loadPkcs12,
  signEnveloped,
  verifyEnveloped,
  type SignerMaterial,
} from '../../src/signing';

/**
 * Interoperability of the facility signature (spec, vietnam-bhyt-emr.md §1.3) with independent tools:
 * - every document we sign verifies with xmlsec1 (libxmlsec1 + OpenSSL, the reference C implementation of
 *   W3C XML-DSig), and fails there once tampered;
 * - a document xmlsec1 signs from a template verifies with our verifyEnveloped;
 * - PKCS#12 files written by OpenSSL load, and ours open in OpenSSL.
 *
 * Needs only the xmlsec1 and openssl command-line tools (Debian packages xmlsec1 and openssl), no stack.
 */

interface ToolRun {
  readonly status: number | null;
  /** stdout and stderr together (xmlsec1 reports on stderr). */
  readonly output: string;
}

function run(tool: string, args: string[], cwd: string): ToolRun {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`${tool} could not be run: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A realistic GIAMDINHHS envelope, built by hand (spec §1.2, letters 3190/2023 and 1245/2024). */
function giamDinhHsEnvelope(): string {
  const xml1 =
    '<?xml version="1.0" encoding="utf-8"?><TONG_HOP><MA_LK>79001LK0001</MA_LK><STT>1</STT>' +
    '<MA_BN>BN0001</MA_BN><HO_TEN>Nguyễn Thị Hoà</HO_TEN><SO_CCCD>079190000001</SO_CCCD>' +
    '<NGAY_SINH>199001150000</NGAY_SINH><GIOI_TINH>2</GIOI_TINH><MA_THE_BHYT>DN4797915123456</MA_THE_BHYT>' +
    '<MA_DKBD>79001</MA_DKBD><T_TONGCHI>350000.00</T_TONGCHI></TONG_HOP>';
  const xml2 =
    '<?xml version="1.0" encoding="utf-8"?><CHITIEU_CHITIET_THUOC><DSACH_CHI_TIET_THUOC><CHI_TIET_THUOC>' +
    '<MA_LK>79001LK0001</MA_LK><STT>1</STT><MA_THUOC>40.17</MA_THUOC><TEN_THUOC>Paracetamol 500mg</TEN_THUOC>' +
    '<SO_LUONG>10</SO_LUONG><DON_GIA>500.000</DON_GIA></CHI_TIET_THUOC></DSACH_CHI_TIET_THUOC></CHITIEU_CHITIET_THUOC>';
  const file = (type: string, content: string) =>
    `<FILEHOSO><LOAIHOSO>${type}</LOAIHOSO><NOIDUNGFILE>${Buffer.from(content).toString('base64')}</NOIDUNGFILE></FILEHOSO>`;
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n' +
    '  <THONGTINDONVI>\n    <MACSKCB>79001</MACSKCB>\n  </THONGTINDONVI>\n' +
    '  <THONGTINHOSO>\n    <NGAYLAP>20260115</NGAYLAP>\n    <SOLUONGHOSO>1</SOLUONGHOSO>\n' +
    `    <DANHSACHHOSO>\n      <HOSO>\n        ${file('XML1', xml1)}\n        ${file('XML2', xml2)}\n      </HOSO>\n` +
    '    </DANHSACHHOSO>\n  </THONGTINHOSO>\n  <CHUKYDONVI/>\n</GIAMDINHHS>\n'
  );
}

/** An xmlsec1 signing template: the same envelope with an empty profile signature inside CHUKYDONVI. */
function xmlsecTemplate(envelope: string): string {
  const ds = 'http://www.w3.org/2000/09/xmldsig#';
  const c14n = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
  const template =
    `<ds:Signature xmlns:ds="${ds}">\n<ds:SignedInfo>\n` +
    `<ds:CanonicalizationMethod Algorithm="${c14n}"/>\n` +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\n' +
    '<ds:Reference URI="">\n<ds:Transforms>\n' +
    `<ds:Transform Algorithm="${ds}enveloped-signature"/>\n<ds:Transform Algorithm="${c14n}"/>\n` +
    '</ds:Transforms>\n<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\n' +
    '<ds:DigestValue/>\n</ds:Reference>\n</ds:SignedInfo>\n<ds:SignatureValue/>\n' +
    '<ds:KeyInfo>\n<ds:X509Data/>\n</ds:KeyInfo>\n</ds:Signature>';
  return envelope.replace('<CHUKYDONVI/>', `<CHUKYDONVI>${template}</CHUKYDONVI>`);
}

describe('facility signature interoperability (xmlsec1, OpenSSL)', () => {
  let dir: string;
  let signer: SignerMaterial;
  let other: SignerMaterial;

  beforeAll(() => {
    const version = run('xmlsec1', ['--version'], tmpdir());
    if (version.status !== 0) throw new Error(`xmlsec1 is required for this test: ${version.output}`);
    dir = mkdtempSync(join(tmpdir(), 'bhyt-xmlsec1-'));
    const load = (commonName: string): SignerMaterial => {
      const loaded = loadPkcs12(createDevelopmentPkcs12({ commonName, password: 'pw' }), 'pw');
      if (!loaded.ok) throw new Error(loaded.reason);
      return loaded;
    };
    signer = load('Bệnh viện Đa khoa 79001');
    other = load('Someone else');
    writeFileSync(join(dir, 'cert.pem'), signer.certificatePem);
    writeFileSync(join(dir, 'key.pem'), signer.privateKeyPem);
    writeFileSync(join(dir, 'other.pem'), other.certificatePem);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Signs with signEnveloped and writes the exact result as UTF-8. */
  function signToFile(xml: string, name: string): string {
    const signed = signEnveloped(xml, signer);
    if (!signed.ok) throw new Error(signed.reason);
    writeFileSync(join(dir, name), signed.xml, 'utf8');
    return signed.xml;
  }

  describe('our signature, verified by xmlsec1', () => {
    it('verifies with the certificate as the public key (--pubkey-cert-pem)', () => {
      signToFile(giamDinhHsEnvelope(), 'envelope.xml');
      const result = run('xmlsec1', ['--verify', '--pubkey-cert-pem', 'cert.pem', 'envelope.xml'], dir);
      expect(result.status).toBe(0);
      expect(result.output).toMatch(/^OK$/m);
      expect(result.output).toMatch(/SignedInfo References \(ok\/all\): 1\/1/);
    });

    it('verifies with the self-signed certificate as the trust anchor (--trusted-pem), chain check included', () => {
      signToFile(giamDinhHsEnvelope(), 'envelope.xml');
      const result = run('xmlsec1', ['--verify', '--trusted-pem', 'cert.pem', 'envelope.xml'], dir);
      expect(result.status).toBe(0);
      expect(result.output).toMatch(/^OK$/m);
      expect(result.output).not.toMatch(/certificate verification failed/);
    });

    it('fails with another key', () => {
      signToFile(giamDinhHsEnvelope(), 'envelope.xml');
      const result = run('xmlsec1', ['--verify', '--pubkey-cert-pem', 'other.pem', 'envelope.xml'], dir);
      expect(result.status).not.toBe(0);
      expect(result.output).not.toMatch(/^OK$/m);
    });

    it('fails once one character of the signed content changes', () => {
      const signed = signToFile(giamDinhHsEnvelope(), 'envelope.xml');
      const tampered = signed.replace('<MACSKCB>79001</MACSKCB>', '<MACSKCB>79002</MACSKCB>');
      expect(tampered).not.toBe(signed);
      writeFileSync(join(dir, 'tampered.xml'), tampered, 'utf8');
      for (const args of [
        ['--pubkey-cert-pem', 'cert.pem'],
        ['--trusted-pem', 'cert.pem'],
      ]) {
        const result = run('xmlsec1', ['--verify', ...args, 'tampered.xml'], dir);
        expect(result.status).not.toBe(0);
        expect(result.output).toMatch(/^FAIL$/m);
      }
      expect(verifyEnveloped(tampered)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    });

    it.each([
      [
        'the check-in document',
        '<?xml version="1.0" encoding="utf-8"?>\n<CHI_TIEU_TRANG_THAI_KCB><DSACH_TRANG_THAI_KCB><TRANG_THAI_KCB>' +
          '<MA_LK>79001LK0001</MA_LK><HO_TEN>Nguyễn Thị Hoà</HO_TEN></TRANG_THAI_KCB></DSACH_TRANG_THAI_KCB>' +
          '<CHUKYDONVI/></CHI_TIEU_TRANG_THAI_KCB>',
      ],
      [
        'CRLF line ends',
        '<?xml version="1.0" encoding="utf-8"?>\r\n<R>\r\n <A>x\r\ny</A>\r\n <CHUKYDONVI>\r\n </CHUKYDONVI>\r\n</R>\r\n',
      ],
      [
        'a default namespace and prefixes',
        '<R xmlns="urn:a" xmlns:b="urn:b"><b:X b:y="1" z="2"/><S xmlns=""/><CHUKYDONVI/></R>',
      ],
      [
        'references and escapes',
        '<R><A a="&#9;&#10;&#13;&lt;&amp;&quot;" b=\'"\'>&#13;&gt;]]&gt;&#x1EA0;</A><CHUKYDONVI/></R>',
      ],
      [
        'comments and CDATA',
        '<!-- head --><R><!-- in --><A><![CDATA[<x> & y]]></A><CHUKYDONVI/></R><!-- tail -->',
      ],
      ['a byte-order mark', '\uFEFF<?xml version="1.0" encoding="utf-8"?><R><A>Hoà 😀</A><CHUKYDONVI/></R>'],
      ['a prefixed, namespaced CHUKYDONVI', '<R xmlns:p="urn:p"><p:CHUKYDONVI xmlns:q="urn:q"/></R>'],
    ])('xmlsec1 agrees on %s', (_name, xml) => {
      const signed = signToFile(xml, 'case.xml');
      expect(verifyEnveloped(signed).ok).toBe(true);
      const result = run('xmlsec1', ['--verify', '--trusted-pem', 'cert.pem', 'case.xml'], dir);
      expect(result.output).toMatch(/^OK$/m);
      expect(result.status).toBe(0);
    });
  });

  describe('xmlsec1 signature, verified by verifyEnveloped', () => {
    it('verifies a document xmlsec1 signed from a template, and detects tampering', () => {
      writeFileSync(join(dir, 'template.xml'), xmlsecTemplate(giamDinhHsEnvelope()), 'utf8');
      const signing = run(
        'xmlsec1',
        ['--sign', '--privkey-pem', 'key.pem,cert.pem', '--output', 'xmlsec-signed.xml', 'template.xml'],
        dir,
      );
      expect(signing.status).toBe(0);
      const signed = readFileSync(join(dir, 'xmlsec-signed.xml'), 'utf8');
      expect(signed).toMatch(/<ds:X509Certificate>[A-Za-z0-9+/=\s]+<\/ds:X509Certificate>/);

      expect(verifyEnveloped(signed, { trustedCertificatesPem: [signer.certificatePem] })).toMatchObject({
        ok: true,
        certificatePem: signer.certificatePem,
      });
      expect(verifyEnveloped(signed.replace('<NGAYLAP>20260115<', '<NGAYLAP>20260116<'))).toMatchObject({
        ok: false,
        code: 'DIGEST_MISMATCH',
      });
      expect(verifyEnveloped(signed, { trustedCertificatesPem: [other.certificatePem] })).toMatchObject({
        ok: false,
        code: 'UNTRUSTED_CERTIFICATE',
      });
    });
  });

  describe('PKCS#12 interoperability with OpenSSL', () => {
    function opensslCertificate(): { keyPem: string; certPem: string } {
      const created = run(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          'ossl-key.pem',
          '-out',
          'ossl-cert.pem',
          '-days',
          '30',
          '-utf8',
          '-subj',
          '/C=VN/O=Bệnh viện Đa khoa/CN=Nguyễn Thị Hoà',
        ],
        dir,
      );
      expect(created.status).toBe(0);
      return {
        keyPem: readFileSync(join(dir, 'ossl-key.pem'), 'utf8'),
        certPem: readFileSync(join(dir, 'ossl-cert.pem'), 'utf8'),
      };
    }

    it.each([
      ['OpenSSL 3 defaults (AES-256-CBC, SHA-256 MAC)', []],
      ['legacy algorithms (RC2-40, 3DES, SHA-1 MAC) of older Windows and CA exports', ['-legacy']],
    ])('loads a file written with %s and signs with it', (_name, extra) => {
      const { certPem } = opensslCertificate();
      const exported = run(
        'openssl',
        [
          'pkcs12',
          '-export',
          ...extra,
          '-inkey',
          'ossl-key.pem',
          '-in',
          'ossl-cert.pem',
          '-out',
          'ossl.p12',
          '-passout',
          'pass:mat-khau',
        ],
        dir,
      );
      if (exported.status !== 0 && extra.length > 0) {
        // Some OpenSSL builds ship without the legacy provider; nothing to test then.
        expect(exported.output).toMatch(/legacy|unsupported|provider/i);
        return;
      }
      expect(exported.status).toBe(0);

      const loaded = loadPkcs12(readFileSync(join(dir, 'ossl.p12')), 'mat-khau');
      if (!loaded.ok) throw new Error(loaded.reason);
      expect(Buffer.from(new X509Certificate(loaded.certificatePem).raw)).toEqual(
        Buffer.from(new X509Certificate(certPem).raw),
      );
      expect(loaded.subject).toBe('C=VN, O=Bệnh viện Đa khoa, CN=Nguyễn Thị Hoà');
      expect(loadPkcs12(readFileSync(join(dir, 'ossl.p12')), 'wrong')).toMatchObject({
        code: 'BAD_PASSWORD',
      });

      const signed = signEnveloped(giamDinhHsEnvelope(), loaded);
      if (!signed.ok) throw new Error(signed.reason);
      writeFileSync(join(dir, 'ossl-signed.xml'), signed.xml, 'utf8');
      const verified = run('xmlsec1', ['--verify', '--trusted-pem', 'ossl-cert.pem', 'ossl-signed.xml'], dir);
      expect(verified.status).toBe(0);
    });

    it('writes development PKCS#12 files that OpenSSL opens', () => {
      writeFileSync(join(dir, 'dev.p12'), createDevelopmentPkcs12({ commonName: 'Dev', password: 'pw' }));
      const opened = run('openssl', ['pkcs12', '-in', 'dev.p12', '-passin', 'pass:pw', '-nodes'], dir);
      expect(opened.status).toBe(0);
      expect(opened.output).toMatch(/-----BEGIN PRIVATE KEY-----/);
      expect(opened.output).toMatch(/-----BEGIN CERTIFICATE-----/);
    });
  });
});

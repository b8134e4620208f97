import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { C14N_10, ENVELOPED_SIGNATURE, RSA_SHA256, SHA256, XMLDSIG_NS } from './profile';
import { signEnveloped } from './sign';
import { createTestSigner, sampleCheckIn, sampleEnvelope, stripSignature } from './spec-fixtures';
import { verifyEnveloped } from './verify';

const DAY = 24 * 3600 * 1000;

describe('signEnveloped', () => {
  const signer = createTestSigner();

  it('signs a GIAMDINHHS envelope so that verifyEnveloped accepts it', () => {
    const signed = signEnveloped(sampleEnvelope(), signer);
    if (!signed.ok) throw new Error(signed.reason);

    const verified = verifyEnveloped(signed.xml);
    expect(verified).toEqual({
      ok: true,
      signerSubject: signer.subject,
      certificatePem: signer.certificatePem,
    });
  });

  it('writes the profile of spec §1.3: C14N, RSA-SHA256, one Reference URI="" with enveloped + C14N, SHA-256, X509Data', () => {
    const signed = signEnveloped(sampleEnvelope(), signer);
    if (!signed.ok) throw new Error(signed.reason);
    const document = new DOMParser().parseFromString(signed.xml, 'text/xml');
    const signatures = document.getElementsByTagNameNS(XMLDSIG_NS, 'Signature');
    expect(signatures.length).toBe(1);
    const signature = signatures.item(0)!;
    expect(signature.prefix).toBe('ds');
    expect((signature.parentNode as Element).tagName).toBe('CHUKYDONVI');
    expect((signature.parentNode as Element).parentNode).toBe(document.documentElement);

    const algorithm = (name: string) =>
      Array.from({ length: document.getElementsByTagNameNS(XMLDSIG_NS, name).length }, (_, i) =>
        document.getElementsByTagNameNS(XMLDSIG_NS, name).item(i)!.getAttribute('Algorithm'),
      );
    expect(algorithm('CanonicalizationMethod')).toEqual([C14N_10]);
    expect(algorithm('SignatureMethod')).toEqual([RSA_SHA256]);
    expect(algorithm('Transform')).toEqual([ENVELOPED_SIGNATURE, C14N_10]);
    expect(algorithm('DigestMethod')).toEqual([SHA256]);
    const references = document.getElementsByTagNameNS(XMLDSIG_NS, 'Reference');
    expect(references.length).toBe(1);
    expect(references.item(0)!.getAttribute('URI')).toBe('');

    // KeyInfo/X509Data/X509Certificate: base64 DER of the signer certificate, no PEM armour.
    const embedded = document.getElementsByTagNameNS(XMLDSIG_NS, 'X509Certificate').item(0)!.textContent!;
    expect(embedded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(embedded, 'base64')).toEqual(
      Buffer.from(new X509Certificate(signer.certificatePem).raw),
    );
  });

  it('keeps every byte of the input and only inserts the signature (no re-serialisation)', () => {
    const input = sampleEnvelope();
    const signed = signEnveloped(input, signer);
    if (!signed.ok) throw new Error(signed.reason);
    // `<CHUKYDONVI/>` is opened to hold the signature; everything else is the caller's text.
    expect(stripSignature(signed.xml)).toBe(input.replace('<CHUKYDONVI/>', '<CHUKYDONVI></CHUKYDONVI>'));
  });

  it('keeps CRLF line ends, attribute quoting and character references as written', () => {
    const input =
      "<?xml version='1.0' encoding='utf-8'?>\r\n<GIAMDINHHS>\r\n  <A b='1' c=\"x &gt; y\">&#x1EA0;&#39;</A>\r\n" +
      '  <CHUKYDONVI>\r\n  </CHUKYDONVI>\r\n</GIAMDINHHS>\r\n';
    const signed = signEnveloped(input, signer);
    if (!signed.ok) throw new Error(signed.reason);
    expect(stripSignature(signed.xml)).toBe(input);
    expect(verifyEnveloped(signed.xml).ok).toBe(true);
  });

  it('signs and verifies Vietnamese UTF-8 content (Nguyễn Thị Hoà)', () => {
    const input =
      '<?xml version="1.0" encoding="utf-8"?><HOSO><HO_TEN>Nguyễn Thị Hoà</HO_TEN><CHUKYDONVI/></HOSO>';
    const signed = signEnveloped(input, signer);
    if (!signed.ok) throw new Error(signed.reason);
    expect(signed.xml).toContain('<HO_TEN>Nguyễn Thị Hoà</HO_TEN>');
    expect(verifyEnveloped(signed.xml).ok).toBe(true);
    // Same text, decomposed (NFD) instead of composed (NFC): different characters, so a different document.
    const decomposed = signed.xml.replace('Nguyễn Thị Hoà', 'Nguyễn Thị Hoà'.normalize('NFD'));
    expect(verifyEnveloped(decomposed)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
  });

  it('signs the check-in document CHI_TIEU_TRANG_THAI_KCB', () => {
    const signed = signEnveloped(sampleCheckIn(), signer);
    if (!signed.ok) throw new Error(signed.reason);
    expect(signed.xml).toMatch(
      /<CHUKYDONVI><ds:Signature [^]*<\/ds:Signature><\/CHUKYDONVI><\/CHI_TIEU_TRANG_THAI_KCB>$/,
    );
    expect(verifyEnveloped(signed.xml).ok).toBe(true);
  });

  it('uses the last CHUKYDONVI when there are several', () => {
    const input = '<R><X><CHUKYDONVI/></X><CHUKYDONVI a="&gt;"/></R>';
    const signed = signEnveloped(input, signer);
    if (!signed.ok) throw new Error(signed.reason);
    expect(signed.xml.startsWith('<R><X><CHUKYDONVI/></X><CHUKYDONVI a="&gt;"><ds:Signature ')).toBe(true);
    expect(verifyEnveloped(signed.xml).ok).toBe(true);
  });

  it('handles a namespace-prefixed CHUKYDONVI and a default namespace', () => {
    const input = '<R xmlns="urn:bhyt" xmlns:p="urn:p"><A>1</A><p:CHUKYDONVI /></R>';
    const signed = signEnveloped(input, signer);
    if (!signed.ok) throw new Error(signed.reason);
    expect(signed.xml).toMatch(/<p:CHUKYDONVI ><ds:Signature [^]*<\/ds:Signature><\/p:CHUKYDONVI><\/R>$/);
    expect(verifyEnveloped(signed.xml).ok).toBe(true);
  });

  it('refuses a document without CHUKYDONVI', () => {
    expect(signEnveloped('<GIAMDINHHS><THONGTINDONVI/></GIAMDINHHS>', signer)).toMatchObject({
      ok: false,
      code: 'NO_CHUKYDONVI',
    });
  });

  it('refuses a CHUKYDONVI that is not empty', () => {
    for (const holder of [
      '<CHUKYDONVI>signature</CHUKYDONVI>',
      '<CHUKYDONVI><X/></CHUKYDONVI>',
      '<CHUKYDONVI><!-- placeholder --></CHUKYDONVI>',
    ]) {
      expect(signEnveloped(`<GIAMDINHHS><A/>${holder}</GIAMDINHHS>`, signer)).toMatchObject({
        ok: false,
        code: 'CHUKYDONVI_NOT_EMPTY',
      });
    }
  });

  it('refuses a document that is already signed', () => {
    const signed = signEnveloped(sampleEnvelope(), signer);
    if (!signed.ok) throw new Error(signed.reason);
    const again = signed.xml.replace('</GIAMDINHHS>', '<CHUKYDONVI/></GIAMDINHHS>');
    expect(signEnveloped(again, signer)).toMatchObject({ ok: false, code: 'ALREADY_SIGNED' });
  });

  it('refuses DOCTYPE, malformed XML and unsupported constructs', () => {
    const cases = [
      '<!DOCTYPE GIAMDINHHS><GIAMDINHHS><CHUKYDONVI/></GIAMDINHHS>',
      '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><r>&b;<CHUKYDONVI/></r>',
      '<GIAMDINHHS><A>Khoa Nội & Hồi sức</A><CHUKYDONVI/></GIAMDINHHS>',
      '<GIAMDINHHS><A></B><CHUKYDONVI/></GIAMDINHHS>',
      '<GIAMDINHHS><?pi data?><CHUKYDONVI/></GIAMDINHHS>',
      '<GIAMDINHHS xml:lang="vi"><CHUKYDONVI/></GIAMDINHHS>',
      '',
    ];
    for (const xml of cases)
      expect(signEnveloped(xml, signer)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  describe('certificate validity (spec §1.3: check the certificate before signing)', () => {
    it('refuses an expired certificate', () => {
      const expired = createTestSigner({ validFrom: new Date(Date.now() - 400 * DAY), validDays: 365 });
      const result = signEnveloped(sampleEnvelope(), expired);
      expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_VALID' });
      expect(result.ok ? '' : result.reason).toMatch(/expired/);
    });

    it('refuses a certificate that is not yet valid', () => {
      const future = createTestSigner({ validFrom: new Date(Date.now() + DAY) });
      const result = signEnveloped(sampleEnvelope(), future);
      expect(result).toMatchObject({ ok: false, code: 'CERTIFICATE_NOT_VALID' });
      expect(result.ok ? '' : result.reason).toMatch(/not yet valid/);
    });

    it('checks at the instant given in options.at, bounds included', () => {
      const { notBefore, notAfter } = signer;
      expect(signEnveloped(sampleEnvelope(), signer, { at: notBefore }).ok).toBe(true);
      expect(signEnveloped(sampleEnvelope(), signer, { at: notAfter }).ok).toBe(true);
      expect(signEnveloped(sampleEnvelope(), signer, { at: new Date(notAfter.getTime() + 1) })).toMatchObject(
        {
          code: 'CERTIFICATE_NOT_VALID',
        },
      );
      expect(
        signEnveloped(sampleEnvelope(), signer, { at: new Date(notBefore.getTime() - 1) }),
      ).toMatchObject({
        code: 'CERTIFICATE_NOT_VALID',
      });
      expect(signEnveloped(sampleEnvelope(), signer, { at: new Date('invalid') })).toMatchObject({
        code: 'CERTIFICATE_NOT_VALID',
      });
    });
  });

  describe('signer material', () => {
    it('refuses a key that does not belong to the certificate', () => {
      const other = createTestSigner({ commonName: 'Other' });
      const mixed = { privateKeyPem: other.privateKeyPem, certificatePem: signer.certificatePem };
      expect(signEnveloped(sampleEnvelope(), mixed)).toMatchObject({ ok: false, code: 'INVALID_SIGNER' });
    });

    it('refuses an RSA key shorter than 2048 bits', () => {
      const weak = createTestSigner({ keyBits: 1024 });
      const result = signEnveloped(sampleEnvelope(), weak);
      expect(result).toMatchObject({ ok: false, code: 'INVALID_SIGNER' });
      expect(result.ok ? '' : result.reason).toMatch(/1024 bits/);
    });

    it('refuses unreadable PEM', () => {
      const cases = [
        { privateKeyPem: 'not a key', certificatePem: signer.certificatePem },
        { privateKeyPem: signer.privateKeyPem, certificatePem: 'not a certificate' },
        { privateKeyPem: signer.certificatePem, certificatePem: signer.certificatePem },
        null as unknown as typeof signer,
      ];
      for (const material of cases) {
        expect(signEnveloped(sampleEnvelope(), material)).toMatchObject({
          ok: false,
          code: 'INVALID_SIGNER',
        });
      }
    });
  });
});

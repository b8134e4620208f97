import { X509Certificate } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { C14N_10, ENVELOPED_SIGNATURE, RSA_SHA256, SHA256 } from './profile';
import { signEnveloped } from './sign';
import { createTestSigner, sampleEnvelope, type TestSigner } from './spec-fixtures';
import { verifyEnveloped, type VerifyResult } from './verify';

function sign(xml: string, signer: TestSigner): string {
  const signed = signEnveloped(xml, signer);
  if (!signed.ok) throw new Error(signed.reason);
  return signed.xml;
}

/** Replaces exactly one occurrence, so a test cannot silently tamper with nothing. */
function replaceOnce(
  text: string,
  search: string | RegExp,
  replacement: string | ((match: string) => string),
): string {
  const matches =
    typeof search === 'string'
      ? text.split(search).length - 1
      : (text.match(new RegExp(search.source, search.flags + 'g')) ?? []).length;
  if (matches !== 1) throw new Error(`expected one match of ${String(search)}, found ${matches}`);
  return typeof replacement === 'string'
    ? text.replace(search, replacement)
    : text.replace(search, (match) => replacement(match));
}

/** Changes one base64 character in the middle of an element's content, keeping it valid base64. */
function flipBase64(xml: string, element: string): string {
  return replaceOnce(xml, new RegExp(`(<ds:${element}>)([A-Za-z0-9+/=\\s]+)(</ds:${element}>)`), (whole) => {
    const open = `<ds:${element}>`;
    const body = whole.slice(open.length, whole.length - open.length - 1);
    const i = Math.floor(body.length / 2);
    const flipped = body[i] === 'A' ? 'B' : 'A';
    return open + body.slice(0, i) + flipped + body.slice(i + 1) + `</ds:${element}>`;
  });
}

const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

/** Signs with xml-crypto directly, to build signatures our signer would never write. */
function signWithXmlCrypto(
  xml: string,
  signer: TestSigner,
  transforms: string[],
  digestAlgorithm: string,
  prefix = 'ds',
): string {
  const signature = new SignedXml({
    privateKey: signer.privateKeyPem,
    publicCert: signer.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: C14N_10,
  });
  signature.addReference({ xpath: '/*', isEmptyUri: true, transforms, digestAlgorithm });
  signature.computeSignature(xml, {
    prefix,
    location: { reference: "//*[local-name()='CHUKYDONVI']", action: 'append' },
  });
  return signature.getSignedXml();
}

function certificateBase64(signer: TestSigner): string {
  return Buffer.from(new X509Certificate(signer.certificatePem).raw).toString('base64');
}

function expectFailure(result: VerifyResult, code: string): void {
  expect(result).toMatchObject({ ok: false, code });
  expect(result.ok ? '' : result.reason).not.toBe('');
}

describe('verifyEnveloped', () => {
  const signer = createTestSigner();
  const attacker = createTestSigner({ commonName: 'Attacker', organization: 'Elsewhere' });
  const signed = sign(sampleEnvelope(), signer);

  it('accepts the untouched document', () => {
    expect(verifyEnveloped(signed)).toMatchObject({ ok: true, signerSubject: signer.subject });
  });

  it('reports NO_SIGNATURE for an unsigned document', () => {
    expectFailure(verifyEnveloped(sampleEnvelope()), 'NO_SIGNATURE');
  });

  describe('every tamper fails', () => {
    it('a changed text node inside the signed content', () => {
      expectFailure(
        verifyEnveloped(replaceOnce(signed, '<MACSKCB>79001<', '<MACSKCB>79002<')),
        'DIGEST_MISMATCH',
      );
      expectFailure(
        verifyEnveloped(replaceOnce(signed, 'Nguyễn Thị Hoà', 'Nguyễn Thị Hòa')),
        'DIGEST_MISMATCH',
      );
    });

    it('a changed character inside the base64 payload', () => {
      const tampered = replaceOnce(signed, /<NOIDUNGFILE>[A-Za-z0-9+/=]{10}/, (m) => m.slice(0, -1) + 'Z');
      expectFailure(verifyEnveloped(tampered), 'DIGEST_MISMATCH');
    });

    it('a changed attribute', () => {
      expectFailure(verifyEnveloped(replaceOnce(signed, 'ID="LK0001"', 'ID="LK0002"')), 'DIGEST_MISMATCH');
    });

    it('an added attribute or element', () => {
      expectFailure(verifyEnveloped(replaceOnce(signed, '<HOSO ', '<HOSO X="1" ')), 'DIGEST_MISMATCH');
      expectFailure(
        verifyEnveloped(replaceOnce(signed, '</THONGTINDONVI>', '<X/></THONGTINDONVI>')),
        'DIGEST_MISMATCH',
      );
    });

    it('a removed element', () => {
      expectFailure(verifyEnveloped(replaceOnce(signed, /<NGAYLAP>\d+<\/NGAYLAP>/, '')), 'DIGEST_MISMATCH');
    });

    it('changed whitespace inside the root element', () => {
      expectFailure(
        verifyEnveloped(replaceOnce(signed, '<THONGTINDONVI>\n', '<THONGTINDONVI>\n ')),
        'DIGEST_MISMATCH',
      );
    });

    it('a changed DigestValue', () => {
      expectFailure(verifyEnveloped(flipBase64(signed, 'DigestValue')), 'DIGEST_MISMATCH');
    });

    it('a changed SignatureValue', () => {
      expectFailure(verifyEnveloped(flipBase64(signed, 'SignatureValue')), 'SIGNATURE_INVALID');
    });

    it('a changed SignedInfo (which the SignatureValue covers)', () => {
      const tampered = replaceOnce(signed, '<ds:Reference URI="">', '<ds:Reference URI="" Id="x">');
      expectFailure(verifyEnveloped(tampered), 'SIGNATURE_INVALID');
    });

    it('a swapped-in other certificate', () => {
      const swapped = replaceOnce(signed, certificateBase64(signer), certificateBase64(attacker));
      expectFailure(verifyEnveloped(swapped), 'SIGNATURE_INVALID');
    });

    it('a second Signature, anywhere', () => {
      const signature = /<ds:Signature [\s\S]*<\/ds:Signature>/.exec(signed)![0];
      expectFailure(
        verifyEnveloped(replaceOnce(signed, '<THONGTINDONVI>', `<THONGTINDONVI>${signature}`)),
        'MALFORMED',
      );
      expectFailure(
        verifyEnveloped(replaceOnce(signed, '</ds:Signature>', `</ds:Signature>${signature}`)),
        'MALFORMED',
      );
    });

    it('a Signature moved out of CHUKYDONVI', () => {
      const signature = /<ds:Signature [\s\S]*<\/ds:Signature>/.exec(signed)![0];
      const moved = replaceOnce(signed.replace(signature, ''), '</GIAMDINHHS>', `${signature}</GIAMDINHHS>`);
      expectFailure(verifyEnveloped(moved), 'MALFORMED');
    });

    it('the document re-signed by an attacker with their own certificate, when a trust list is given', () => {
      const unsigned = signed.replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, '');
      const forged = sign(replaceOnce(unsigned, '<MACSKCB>79001<', '<MACSKCB>79999<'), attacker);
      // Without a trust list, any certificate "verifies": the signature is consistent, but proves nothing.
      expect(verifyEnveloped(forged)).toMatchObject({ ok: true, signerSubject: attacker.subject });
      expectFailure(
        verifyEnveloped(forged, { trustedCertificatesPem: [signer.certificatePem] }),
        'UNTRUSTED_CERTIFICATE',
      );
    });
  });

  it('comments are outside the signed content (URI="" excludes them, W3C XML-DSig), so adding one is not a change', () => {
    const commented = replaceOnce(signed, '<MACSKCB>', '<!-- note --><MACSKCB>');
    expect(verifyEnveloped(commented).ok).toBe(true);
  });

  describe('trusted certificates', () => {
    it('accepts a signature by a trusted certificate', () => {
      expect(
        verifyEnveloped(signed, { trustedCertificatesPem: [attacker.certificatePem, signer.certificatePem] }),
      ).toMatchObject({
        ok: true,
      });
    });

    it('finds the certificate inside a PEM bundle and ignores unreadable entries', () => {
      const bundle = attacker.certificatePem + signer.certificatePem;
      expect(verifyEnveloped(signed, { trustedCertificatesPem: ['garbage', bundle] }).ok).toBe(true);
    });

    it('refuses a certificate that is not in the list, and trusts nothing with an empty list', () => {
      expectFailure(
        verifyEnveloped(signed, { trustedCertificatesPem: [attacker.certificatePem] }),
        'UNTRUSTED_CERTIFICATE',
      );
      expectFailure(verifyEnveloped(signed, { trustedCertificatesPem: [] }), 'UNTRUSTED_CERTIFICATE');
    });
  });

  describe('only the profile algorithms are accepted', () => {
    const cases: Array<[string, string, string]> = [
      ['SHA-1 digest', 'xmlenc#sha256', 'xmldsig#sha1'],
      ['RSA-SHA1 signature', 'xmldsig-more#rsa-sha256', 'xmldsig#rsa-sha1'],
      ['HMAC', '2001/04/xmldsig-more#rsa-sha256', '2000/09/xmldsig#hmac-sha1'],
      [
        'exclusive C14N',
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
      ],
      [
        'C14N with comments',
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"',
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"',
      ],
      [
        'an XPath transform',
        '</ds:Transforms>',
        '<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>1</ds:XPath></ds:Transform></ds:Transforms>',
      ],
      [
        'an XSLT transform',
        '<ds:Transforms>',
        '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>',
      ],
    ];
    it.each(cases)('refuses %s', (_name, search, replacement) => {
      expectFailure(verifyEnveloped(replaceOnce(signed, search, replacement)), 'UNSUPPORTED_ALGORITHM');
    });

    it('accepts the enveloped-signature transform alone (C14N is implied), as .NET tools write it', () => {
      const envelopedOnly = signWithXmlCrypto(sampleEnvelope(), signer, [ENVELOPED_SIGNATURE], SHA256);
      expect(envelopedOnly).not.toContain(`Algorithm="${C14N_10}"/></ds:Transforms>`);
      expect(verifyEnveloped(envelopedOnly).ok).toBe(true);
    });

    it('accepts an unprefixed Signature in the default namespace, as .NET SignedXml writes it', () => {
      const unprefixed = signWithXmlCrypto(
        sampleEnvelope(),
        signer,
        [ENVELOPED_SIGNATURE, C14N_10],
        SHA256,
        '',
      );
      expect(unprefixed).toContain('<CHUKYDONVI><Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
      expect(verifyEnveloped(unprefixed).ok).toBe(true);
    });

    it('refuses a cryptographically valid signature that uses SHA-1', () => {
      const sha1 = signWithXmlCrypto(sampleEnvelope(), signer, [ENVELOPED_SIGNATURE, C14N_10], SHA1);
      expectFailure(verifyEnveloped(sha1), 'UNSUPPORTED_ALGORITHM');
    });
  });

  describe('the Reference must cover the whole document', () => {
    it('refuses a Reference to an element', () => {
      expectFailure(verifyEnveloped(replaceOnce(signed, 'URI=""', 'URI="#LK0001"')), 'MALFORMED');
    });

    it('refuses a Reference without URI', () => {
      expectFailure(verifyEnveloped(replaceOnce(signed, ' URI=""', '')), 'MALFORMED');
    });

    it('refuses a second Reference', () => {
      const reference = /<ds:Reference [\s\S]*<\/ds:Reference>/.exec(signed)![0];
      expectFailure(
        verifyEnveloped(replaceOnce(signed, '</ds:SignedInfo>', `${reference}</ds:SignedInfo>`)),
        'MALFORMED',
      );
    });
  });

  describe('hostile and malformed input never throws', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
    const external = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;<CHUKYDONVI/></r>';
    const cases: Array<[string, unknown]> = [
      ['an empty string', ''],
      ['not a string', Buffer.from(signed)],
      ['null', null],
      ['binary garbage', '\u0000\u0001\u0002\u00ff garbage'],
      ['plain text', 'hello'],
      ['an entity-expansion bomb', bomb],
      ['an external entity', external],
      [
        'a DOCTYPE added to a signed document',
        `<!DOCTYPE GIAMDINHHS>\n${signed.replace(/^<\?xml[^>]*\?>\n/, '')}`,
      ],
      ['truncated XML', signed.slice(0, signed.length / 2)],
      ['deep nesting', '<a>'.repeat(50_000) + '</a>'.repeat(50_000)],
      ['a bare ampersand', signed.replace('Nội &amp; Hồi', 'Nội & Hồi')],
      ['an unbound prefix', '<p:GIAMDINHHS><CHUKYDONVI/></p:GIAMDINHHS>'],
    ];
    it.each(cases)('%s', (_name, input) => {
      const result = verifyEnveloped(input as string);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(['MALFORMED', 'NO_SIGNATURE']).toContain(result.code);
    });

    it('a document over the size limit', () => {
      expectFailure(verifyEnveloped(signed, { maxLength: 1000 }), 'MALFORMED');
      const huge = '<GIAMDINHHS>' + ' '.repeat(65 * 1024 * 1024) + '</GIAMDINHHS>';
      expectFailure(verifyEnveloped(huge), 'MALFORMED');
    });

    it('random corruption of a signed document', () => {
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const alphabet = '<>/&;="\'!?-[] abcXYZ09+\u0000\u00e0\u1ec5';
      for (let i = 0; i < 300; i++) {
        const chars = [...signed];
        for (let k = 0; k < 1 + Math.floor(random() * 3); k++) {
          chars[Math.floor(random() * chars.length)] = alphabet[Math.floor(random() * alphabet.length)]!;
        }
        const result = verifyEnveloped(chars.join(''));
        expect(typeof result.ok).toBe('boolean');
      }
    });
  });
});

import { createDevelopmentPkcs12, type DevelopmentPkcs12Options } from './development-certificate';
import { loadPkcs12 } from './pkcs12';
import type { SignerMaterial } from './sign';

/**
 * Test fixtures for the signing specs (not exported by the library). Certificates are generated at run time:
 * nothing private is committed to the repository.
 */

export interface TestSigner extends SignerMaterial {
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export function createTestSigner(
  options: Partial<DevelopmentPkcs12Options> & { readonly commonName?: string } = {},
): TestSigner {
  const password = options.password ?? 'test-password';
  const p12 = createDevelopmentPkcs12({
    commonName: 'Bệnh viện Đa khoa Test',
    organization: 'Sở Y tế TP. Hồ Chí Minh',
    ...options,
    password,
  });
  const loaded = loadPkcs12(p12, password);
  if (!loaded.ok) throw new Error(`test certificate could not be loaded: ${loaded.reason}`);
  return {
    privateKeyPem: loaded.privateKeyPem,
    certificatePem: loaded.certificatePem,
    subject: loaded.subject,
    notBefore: loaded.notBefore,
    notAfter: loaded.notAfter,
  };
}

/** One XML1 record, base64-encoded as a FILEHOSO payload (spec §1.2). */
export function base64Xml1(name = 'Nguyễn Thị Hoà'): string {
  const xml1 =
    '<?xml version="1.0" encoding="utf-8"?><TONG_HOP><MA_LK>LK0001</MA_LK>' +
    `<HO_TEN>${name}</HO_TEN><MA_THE_BHYT>DN4797915123456</MA_THE_BHYT></TONG_HOP>`;
  return Buffer.from(xml1, 'utf8').toString('base64');
}

/** A small GIAMDINHHS envelope as in spec §1.2, with an empty `<CHUKYDONVI/>` at the end. */
export function sampleEnvelope(): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<GIAMDINHHS xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
    '  <THONGTINDONVI>',
    '    <MACSKCB>79001</MACSKCB>',
    '  </THONGTINDONVI>',
    '  <THONGTINHOSO>',
    '    <NGAYLAP>20260115</NGAYLAP>',
    '    <SOLUONGHOSO>1</SOLUONGHOSO>',
    '    <DANHSACHHOSO>',
    '      <HOSO ID="LK0001">',
    '        <FILEHOSO>',
    '          <LOAIHOSO>XML1</LOAIHOSO>',
    `          <NOIDUNGFILE>${base64Xml1()}</NOIDUNGFILE>`,
    '        </FILEHOSO>',
    '      </HOSO>',
    '    </DANHSACHHOSO>',
    '    <GHI_CHU>Bệnh nhân Nguyễn Thị Hoà, khoa Nội &amp; Hồi sức</GHI_CHU>',
    '  </THONGTINHOSO>',
    '  <CHUKYDONVI/>',
    '</GIAMDINHHS>',
    '',
  ].join('\n');
}

/** The check-in document (spec §1.2, §1.6): its own root, ending with `<CHUKYDONVI/>`. */
export function sampleCheckIn(): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<CHI_TIEU_TRANG_THAI_KCB><DSACH_TRANG_THAI_KCB><TRANG_THAI_KCB>' +
    '<MA_LK>LK0001</MA_LK><HO_TEN>Nguyễn Thị Hoà</HO_TEN><MA_CSKCB>79001</MA_CSKCB>' +
    '</TRANG_THAI_KCB></DSACH_TRANG_THAI_KCB><CHUKYDONVI/></CHI_TIEU_TRANG_THAI_KCB>'
  );
}

/** Removes the inserted `<ds:Signature>…</ds:Signature>` text (for byte-preservation checks). */
export function stripSignature(signedXml: string): string {
  return signedXml.replace(/<ds:Signature [\s\S]*?<\/ds:Signature>/, '');
}

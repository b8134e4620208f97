import { readFileSync } from 'node:fs';
import { createDevelopmentPkcs12, loadPkcs12, signEnveloped } from '@hosp/standards-bhyt-xml';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLAIMS_CONFIG, type ClaimsConfig } from '../../shared/application/config';
import type { SignDocument } from '../domain/build-claim';

/**
 * The facility's signing key (QĐ 130 CHUKYDONVI, the spec §1.3): the PKCS#12 named by CLAIMS_SIGNING_P12, read
 * once at start. It is never in the repository. Without one, outside production, a development certificate is
 * made in memory so a fresh install and the tests can run; production refuses to start without the real one.
 */
@Injectable()
export class FacilitySigner {
  private readonly log = new Logger('FacilitySigner');
  readonly certificatePem: string;
  readonly subject: string;
  private readonly privateKeyPem: string;

  constructor(@Inject(CLAIMS_CONFIG) config: ClaimsConfig) {
    let der: Buffer;
    let password = config.signing.p12Password;
    if (config.signing.p12Path) der = readFileSync(config.signing.p12Path);
    else if (config.production)
      throw new Error(
        'CLAIMS_SIGNING_P12 is required in production: the facility certificate that signs claims',
      );
    else {
      password = 'development';
      der = createDevelopmentPkcs12({
        commonName: `Development claims signer ${config.facility.code}`,
        organization: config.facility.code,
        password,
      });
      this.log.warn('no CLAIMS_SIGNING_P12: claims are signed with a development certificate made at start');
    }
    const p12 = loadPkcs12(der, password);
    if (!p12.ok) throw new Error(`CLAIMS_SIGNING_P12: ${p12.reason}`);
    this.certificatePem = p12.certificatePem;
    this.privateKeyPem = p12.privateKeyPem;
    this.subject = p12.subject;
  }

  readonly sign: SignDocument = (xml) => {
    const r = signEnveloped(xml, { privateKeyPem: this.privateKeyPem, certificatePem: this.certificatePem });
    return r.ok ? { ok: true, xml: r.xml } : { ok: false, code: r.code, reason: r.reason };
  };
}

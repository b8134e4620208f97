import type { TechnicalLevel } from '@hosp/standards-bhyt';
import type { ClaimsFacility } from '../../claims/domain/assemble';

/**
 * Settings of the claims service, from the environment:
 *   FACILITY_CODE                  MA_CSKCB, 5 characters (default 79001, as HIS)
 *   FACILITY_PROVINCE_CODE         maTinh of the gateway API (default: the first two characters of the code)
 *   FACILITY_TECHNICAL_LEVEL       initial | basic | specialised (default basic), FACILITY_LEVEL_SCORE,
 *   FACILITY_FORMER_TIER           as HIS: they decide the off-route benefit (NĐ 188/2025)
 *   FACILITY_SIGNER_HEALTH_ID      MA_TTDV: 10-digit id of the head of the facility or the authorised signer
 *   CLAIMS_BASE_SALARY             mức lương cơ sở in VND (default 2340000, NĐ 73/2024 from 01/07/2024)
 *   CLAIMS_SIGNING_P12             path of the facility's PKCS#12 (certificate + key); never in the repository
 *   CLAIMS_SIGNING_P12_PASSWORD    its password
 *   BHXH_GATEWAY_URL               base URL of the insurance gateway (e.g. https://egw.baohiemxahoi.gov.vn)
 *   BHXH_USERNAME, BHXH_PASSWORD   the facility's gateway account
 *   CLAIMS_SUBMIT_MAX_ATTEMPTS     attempts before a document is parked (default 8)
 *   CLAIMS_SUBMIT_RETRY_BASE_MS    first backoff, doubled per attempt up to 5 minutes (default 2000)
 *   CLAIMS_WAIT_FOR_FACTS_MS       how long after the close a claim waits for the patient's demographics and
 *                                  the results of its orders before it is built anyway (default 900000, 15 min)
 */
export interface ClaimsConfig {
  readonly facility: ClaimsFacility;
  readonly provinceCode: string;
  readonly signing: { readonly p12Path: string | null; readonly p12Password: string };
  readonly gateway: {
    readonly baseUrl: string | null;
    readonly username: string;
    readonly password: string;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
  };
  readonly waitForFactsMs: number;
  readonly production: boolean;
}

export const CLAIMS_CONFIG = Symbol('CLAIMS_CONFIG');

export function claimsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ClaimsConfig {
  const level = (env['FACILITY_TECHNICAL_LEVEL'] ?? 'basic') as TechnicalLevel;
  if (!['initial', 'basic', 'specialised'].includes(level))
    throw new Error(`FACILITY_TECHNICAL_LEVEL must be initial, basic or specialised, not ${level}`);
  const code = env['FACILITY_CODE'] ?? '79001';
  return {
    facility: {
      code,
      profile: {
        system: 'technical-level',
        level,
        score: env['FACILITY_LEVEL_SCORE'] ? Number(env['FACILITY_LEVEL_SCORE']) : undefined,
        formerTier: env['FACILITY_FORMER_TIER'] as
          | 'central'
          | 'provincial'
          | 'district'
          | 'commune'
          | undefined,
      },
      baseSalary: env['CLAIMS_BASE_SALARY'] ?? '2340000',
      signerHealthId: env['FACILITY_SIGNER_HEALTH_ID'] ?? '',
    },
    provinceCode: env['FACILITY_PROVINCE_CODE'] ?? code.slice(0, 2),
    signing: {
      p12Path: env['CLAIMS_SIGNING_P12'] || null,
      p12Password: env['CLAIMS_SIGNING_P12_PASSWORD'] ?? '',
    },
    gateway: {
      baseUrl: env['BHXH_GATEWAY_URL'] || null,
      username: env['BHXH_USERNAME'] ?? '',
      password: env['BHXH_PASSWORD'] ?? '',
      maxAttempts: Number(env['CLAIMS_SUBMIT_MAX_ATTEMPTS'] ?? 8),
      retryBaseMs: Number(env['CLAIMS_SUBMIT_RETRY_BASE_MS'] ?? 2_000),
    },
    waitForFactsMs: Number(env['CLAIMS_WAIT_FOR_FACTS_MS'] ?? 900_000),
    production: env['NODE_ENV'] === 'production',
  };
}

import type { FacilityProfile, TechnicalLevel } from '@hosp/standards-bhyt';

/**
 * The facility this HIS runs for: its 5-digit code (MA_CSKCB, also the FACILITY_CODE on every event) and its
 * technical level under Law 51/2024 (NĐ 188/2025 Art. 35), which decides the off-route benefit ratios.
 *   FACILITY_CODE            e.g. 79001
 *   FACILITY_TECHNICAL_LEVEL initial | basic | specialised (default basic)
 *   FACILITY_LEVEL_SCORE     the published score, when the level is basic
 *   FACILITY_FORMER_TIER     central | provincial | district | commune (the tier before 2025)
 */
export interface FacilityConfig {
  code: string;
  profile: FacilityProfile;
}

export const FACILITY_CONFIG = Symbol('FACILITY_CONFIG');

export function facilityConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FacilityConfig {
  const level = (env['FACILITY_TECHNICAL_LEVEL'] ?? 'basic') as TechnicalLevel;
  if (!['initial', 'basic', 'specialised'].includes(level))
    throw new Error(`FACILITY_TECHNICAL_LEVEL must be initial, basic or specialised, not ${level}`);
  const score = env['FACILITY_LEVEL_SCORE'] ? Number(env['FACILITY_LEVEL_SCORE']) : undefined;
  const formerTier = env['FACILITY_FORMER_TIER'] as
    | 'central'
    | 'provincial'
    | 'district'
    | 'commune'
    | undefined;
  return {
    code: env['FACILITY_CODE'] ?? '79001',
    profile: { system: 'technical-level', level, score, formerTier },
  };
}

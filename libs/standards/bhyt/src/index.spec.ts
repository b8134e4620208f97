import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bhyt from './index';

describe('@hosp/standards-bhyt public API', () => {
  it('exports the functions and tables', () => {
    for (const fn of [
      'parseCitizenId',
      'parseBhytCard',
      'checkCardValidity',
      'parseRegistrationFacilityCode',
      'effectiveBenefitDigit',
      'coverageRate',
      'computeInsuranceShare',
      'sumEpisodeAmounts',
      'generatePrescriptionCode',
      'parsePrescriptionCode',
      'foldVietnamese',
    ] as const) {
      expect(typeof bhyt[fn]).toBe('function');
    }
    for (const table of [
      'CCCD_PROVINCE_CODES',
      'BENEFICIARY_GROUPS',
      'BENEFIT_LEVELS',
      'VISIT_TYPES',
      'TREATMENT_OUTCOMES',
      'DISCHARGE_TYPES',
      'PRESCRIPTION_TYPES',
    ] as const) {
      expect(Object.keys(bhyt[table]).length).toBeGreaterThan(0);
    }
  });

  it('imports nothing outside the library (no runtime dependencies)', () => {
    const sources = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    for (const file of sources) {
      const text = readFileSync(join(__dirname, file), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g))
        expect({ file, from: m[1] }).toEqual({ file, from: expect.stringMatching(/^\.\//) });
    }
  });
});

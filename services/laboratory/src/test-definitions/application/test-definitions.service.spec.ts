import type { TestDefinition } from '../domain/test-definition';
import { definitionProblems } from './test-definitions.service';

const glucose = (o: Partial<TestDefinition> = {}): TestDefinition => ({
  serviceCode: 'XN-GLU',
  name: 'Glucose',
  loinc: '2345-7',
  specimenType: 'SER',
  containerType: 'SST',
  valueType: 'numeric',
  unit: 'mmol/L',
  decimals: 1,
  criticalLow: '2.5',
  criticalHigh: '25',
  autoVerification: null,
  referenceRanges: [{ sex: 'any', ageFromDays: 0, ageToDays: null, low: '3.9', high: '6.4' }],
  active: true,
  ...o,
});

describe('test definition rules', () => {
  it('accepts a consistent definition', () => {
    expect(definitionProblems([glucose()])).toEqual([]);
  });

  it('names every inconsistent field', () => {
    const problems = definitionProblems([
      glucose({
        unit: null,
        criticalLow: '30',
        referenceRanges: [{ sex: 'any', ageFromDays: 10, ageToDays: 5, low: '7', high: '6' }],
      }),
      glucose({ valueType: 'text', unit: null, autoVerification: { code: 'X' } }),
      glucose(),
    ]);
    expect(problems.map((p) => p.field)).toEqual([
      'items[0].unit',
      'items[0].criticalHigh',
      'items[0].referenceRanges[0].high',
      'items[0].referenceRanges[0].ageToDays',
      'items[1].autoVerification',
      'items[1].serviceCode',
      'items[2].serviceCode',
    ]);
  });
});

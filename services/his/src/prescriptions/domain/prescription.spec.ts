import { generatePrescriptionCode, parsePrescriptionCode } from '@hosp/standards-bhyt';
import {
  DEFAULT_PRESCRIPTION_TYPE,
  isPositiveQuantity,
  PRESCRIPTION_TYPE_LETTERS,
  prescriptionSummary,
} from './prescription';

describe('prescription rules', () => {
  it('knows the national type letters and defaults to the ordinary prescription', () => {
    expect(PRESCRIPTION_TYPE_LETTERS).toEqual(['c', 'n', 'h', 't']);
    expect(DEFAULT_PRESCRIPTION_TYPE).toBe('c');
  });

  it('takes quantities above zero with at most 3 decimals', () => {
    for (const q of ['1', '10', '0.5', '2.125', '0.001']) expect(isPositiveQuantity(q)).toBe(true);
    for (const q of ['0', '0.000', '', '1.2345', '-1', '1e3', ' 1'])
      expect(isPositiveQuantity(q)).toBe(false);
  });

  it('makes a code from a running number that the national format accepts', () => {
    const code = generatePrescriptionCode('79001', 1, 'c');
    expect(code).toMatchObject({ ok: true, value: '790010000001-c' });
    expect(parsePrescriptionCode(code.ok ? code.value : '')).toMatchObject({
      ok: true,
      facilityCode: '79001',
      type: 'c',
    });
  });

  it('summarises a prescription for the timeline, cut to 500 characters', () => {
    expect(
      prescriptionSummary('790010000001-c', [{ name: 'Paracetamol 500mg', quantity: '10', unit: 'viên' }]),
    ).toBe('Prescription 790010000001-c: Paracetamol 500mg 10 viên');
    const long = prescriptionSummary(
      'x',
      Array(100).fill({ name: 'Amoxicillin 500mg', quantity: '21', unit: 'viên' }),
    );
    expect(long).toHaveLength(500);
  });
});

import {
  DISCHARGE_TYPES,
  isVisitTypeCode,
  PRESCRIPTION_GENDERS,
  TREATMENT_OUTCOMES,
  VISIT_TYPES,
  XML130_GENDERS,
  xml130GenderToPrescriptionGender,
} from './visit-types';

describe('XML 130 code lists', () => {
  it('MA_LOAI_KCB has the 16 string codes 01-16 of QĐ 1804, each labelled in both languages', () => {
    // JS lists integer-like keys ('10'…'16') before the others; compare as a set.
    const codes = Object.keys(VISIT_TYPES).sort();
    expect(codes).toEqual(Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, '0')));
    for (const t of Object.values(VISIT_TYPES)) {
      expect(t.vi.length).toBeGreaterThan(3);
      expect(t.en.length).toBeGreaterThan(3);
    }
    expect(VISIT_TYPES['03'].en).toContain('Inpatient');
    expect(VISIT_TYPES['09'].en).toBe('Inpatient under 4 hours');
    expect(isVisitTypeCode('01')).toBe(true);
    expect(isVisitTypeCode('1')).toBe(false);
    expect(isVisitTypeCode('17')).toBe(false);
  });

  it('KET_QUA_DTRI is 1-8 (8 = died outside hospital, QĐ 4750)', () => {
    expect(Object.keys(TREATMENT_OUTCOMES)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(TREATMENT_OUTCOMES[8].en).toBe('Died outside hospital');
  });

  it('MA_LOAI_RV is 1-5', () => {
    expect(Object.keys(DISCHARGE_TYPES)).toEqual(['1', '2', '3', '4', '5']);
    expect(DISCHARGE_TYPES[3].en).toBe('Absconded');
  });

  it('converts GIOI_TINH to the e-prescription numbering, which differs', () => {
    expect(XML130_GENDERS[1].en).toBe('Male');
    expect(PRESCRIPTION_GENDERS[2].en).toBe('Male');
    expect(xml130GenderToPrescriptionGender(1)).toBe(2);
    expect(xml130GenderToPrescriptionGender(2)).toBe(3);
    expect(xml130GenderToPrescriptionGender(3)).toBe(1);
  });
});

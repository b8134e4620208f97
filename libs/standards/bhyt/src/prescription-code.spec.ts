import {
  generatePrescriptionCode,
  parsePrescriptionCode,
  PRESCRIPTION_CODE_LENGTH,
  PRESCRIPTION_PAYLOAD_TYPES,
  PRESCRIPTION_TYPES,
} from './prescription-code';

describe('generatePrescriptionCode', () => {
  it('writes a running number in base 36, zero-padded to 7 characters', () => {
    expect(generatePrescriptionCode('25366', 0, 'c')).toEqual({
      ok: true,
      value: '253660000000-c',
      facilityCode: '25366',
      serial: '0000000',
      type: 'c',
    });
    expect(generatePrescriptionCode('25366', 35, 'N')).toMatchObject({ value: '25366000000z-n' });
    expect(generatePrescriptionCode('25366', 36, 'h')).toMatchObject({ value: '253660000010-h' });
    expect(generatePrescriptionCode('25366', 36 ** 7 - 1, 't')).toMatchObject({ value: '25366zzzzzzz-t' });
  });

  it('uses a given 7-character serial, in lower case unless upper case is asked for', () => {
    expect(generatePrescriptionCode('25366', 'VMA336R', 'c')).toMatchObject({ value: '25366vma336r-c' });
    expect(generatePrescriptionCode('25366', 'vma336r', 'c', { letterCase: 'upper' })).toMatchObject({
      value: '25366VMA336R-C',
      type: 'c',
    });
  });

  it('draws 7 random characters without modulo bias (bytes >= 252 are skipped)', () => {
    const bytes = [255, 252, 0, 35, 36, 251, 253, 71, 1, 2, 3, 4, 5, 6, 7, 8];
    const r = generatePrescriptionCode('25366', 'random', 'c', { randomBytes: () => Uint8Array.from(bytes) });
    // 0 -> '0', 35 -> 'z', 36 -> '0', 251 -> 251 % 36 = 35 'z', 71 -> 35 'z', 1, 2
    expect(r).toMatchObject({ ok: true, value: '253660z0zz12-c' });
  });

  it('draws from Web Crypto by default', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const r = generatePrescriptionCode('25366', 'random', 'c');
      expect(r.ok && r.value).toMatch(/^25366[0-9a-z]{7}-c$/);
      if (r.ok) codes.add(r.value);
    }
    expect(codes.size).toBe(50);
  });

  it('always produces a code its parser accepts', () => {
    for (const type of Object.keys(PRESCRIPTION_TYPES)) {
      const r = generatePrescriptionCode('01001', 'random', type);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.value).toHaveLength(PRESCRIPTION_CODE_LENGTH);
      expect(parsePrescriptionCode(r.value)).toEqual(r);
    }
  });

  it.each<[string, number | string, string, string]>([
    ['2536', 1, 'c', 'RX_FACILITY_FORMAT'],
    ['25-66', 1, 'c', 'RX_FACILITY_FORMAT'],
    ['25366', 1, 'x', 'RX_TYPE_UNKNOWN'],
    ['25366', 1, 'y', 'RX_TYPE_UNKNOWN'],
    ['25366', 1, '', 'RX_TYPE_UNKNOWN'],
    ['25366', -1, 'c', 'RX_SERIAL_RANGE'],
    ['25366', 1.5, 'c', 'RX_SERIAL_RANGE'],
    ['25366', 36 ** 7, 'c', 'RX_SERIAL_RANGE'],
    ['25366', 'abc', 'c', 'RX_SERIAL_FORMAT'],
    ['25366', 'abc-def', 'c', 'RX_SERIAL_FORMAT'],
  ])('generate(%p, %p, %p) -> %s', (facility, serial, type, code) => {
    expect(generatePrescriptionCode(facility, serial, type)).toMatchObject({ ok: false, code });
  });
});

describe('parsePrescriptionCode', () => {
  it('parses the client example 25366VMA336R-c without changing it', () => {
    expect(parsePrescriptionCode(' 25366VMA336R-c ')).toEqual({
      ok: true,
      value: '25366VMA336R-c',
      facilityCode: '25366',
      serial: 'VMA336R',
      type: 'c',
    });
  });

  it.each([
    ['25366abcdefg-N', 'n'],
    ['25366abcdefg-H', 'h'],
    ['25366abcdefg-T', 't'],
    ['25366abcdefg-C', 'c'],
  ])('reads type letters in either case: %s', (code, type) => {
    expect(parsePrescriptionCode(code)).toMatchObject({ ok: true, type });
  });

  it.each([
    ['', 'RX_EMPTY'],
    ['25366VMA336R-', 'RX_LENGTH'],
    ['25366VMA336R-cc', 'RX_LENGTH'],
    ['25366VMA336Rxc', 'RX_FORMAT'],
    ['2536-VMA336R-c', 'RX_FACILITY_FORMAT'],
    ['25366VMA33_R-c', 'RX_SERIAL_FORMAT'],
    ['25366VMA336R-y', 'RX_TYPE_UNKNOWN'],
    ['25366VMA336R-1', 'RX_TYPE_UNKNOWN'],
  ])('%p -> %s', (code, error) => {
    const r = parsePrescriptionCode(code);
    expect(r).toMatchObject({ ok: false, code: error });
  });
});

describe('prescription type tables', () => {
  it('has the code letters of TT 26/2025 and TT 55/2025, and the payload letters of QĐ 808', () => {
    expect(Object.keys(PRESCRIPTION_TYPES)).toEqual(['c', 'n', 'h', 't']);
    expect(Object.keys(PRESCRIPTION_PAYLOAD_TYPES)).toEqual(['c', 'n', 'h', 'y']);
    expect(PRESCRIPTION_PAYLOAD_TYPES.y.en).toBe('Traditional medicine');
  });
});

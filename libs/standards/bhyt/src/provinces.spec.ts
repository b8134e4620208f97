import { CCCD_PROVINCE_CODES, isCccdProvinceCode, provinceNameOfAdminCode } from './provinces';

describe('province codes', () => {
  it('lists the 63 pre-2025 provinces, 001 to 096, each once', () => {
    const codes = Object.keys(CCCD_PROVINCE_CODES);
    expect(codes).toHaveLength(63);
    expect(new Set(Object.values(CCCD_PROVINCE_CODES)).size).toBe(63);
    for (const code of codes) expect(code).toMatch(/^0\d{2}$/);
    expect(codes[0]).toBe('001');
    expect(codes[codes.length - 1]).toBe('096');
    expect([...codes].sort()).toEqual(codes);
  });

  it('knows well-known codes', () => {
    expect(CCCD_PROVINCE_CODES['001']).toBe('Hà Nội');
    expect(CCCD_PROVINCE_CODES['079']).toBe('Hồ Chí Minh');
    expect(CCCD_PROVINCE_CODES['048']).toBe('Đà Nẵng');
    expect(CCCD_PROVINCE_CODES['092']).toBe('Cần Thơ');
    expect(CCCD_PROVINCE_CODES['031']).toBe('Hải Phòng');
  });

  it('maps 2-digit administrative codes', () => {
    expect(provinceNameOfAdminCode('01')).toBe('Hà Nội');
    expect(provinceNameOfAdminCode('96')).toBe('Cà Mau');
    expect(provinceNameOfAdminCode('03')).toBeUndefined();
    expect(provinceNameOfAdminCode('1')).toBeUndefined();
    expect(provinceNameOfAdminCode('001')).toBeUndefined();
    expect(isCccdProvinceCode('toString')).toBe(false);
  });
});

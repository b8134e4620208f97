import { parseRegistrationFacilityCode } from './facility-code';

describe('parseRegistrationFacilityCode (MA_DKBD / MA_CSKCB)', () => {
  it('accepts a 5-digit code with a known province prefix', () => {
    expect(parseRegistrationFacilityCode('01001')).toEqual({
      ok: true,
      value: '01001',
      provinceCode: '01',
      temporaryCard: false,
    });
    expect(parseRegistrationFacilityCode(' 79024 ')).toMatchObject({
      ok: true,
      value: '79024',
      provinceCode: '79',
    });
    expect(parseRegistrationFacilityCode('97012')).toMatchObject({ ok: true, provinceCode: '97' });
  });

  it('recognises the province + "000" code of a temporary card (spec §2.1)', () => {
    expect(parseRegistrationFacilityCode('79000')).toMatchObject({ ok: true, temporaryCard: true });
  });

  it.each([
    ['', 'FACILITY_EMPTY'],
    ['0100', 'FACILITY_LENGTH'],
    ['010011', 'FACILITY_LENGTH'],
    ['01A01', 'FACILITY_NOT_DIGITS'],
    ['01-01', 'FACILITY_NOT_DIGITS'],
    ['99001', 'FACILITY_PROVINCE_UNKNOWN'],
    ['03001', 'FACILITY_PROVINCE_UNKNOWN'],
  ])('%s -> %s', (code, error) => {
    expect(parseRegistrationFacilityCode(code)).toMatchObject({ ok: false, code: error });
  });
});

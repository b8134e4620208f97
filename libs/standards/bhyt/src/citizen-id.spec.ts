import { parseCitizenId } from './citizen-id';
import { CCCD_PROVINCE_CODES } from './provinces';

describe('parseCitizenId', () => {
  describe('CCCD (12 digits)', () => {
    it('decodes province of birth, sex and birth year', () => {
      expect(parseCitizenId('001090012345')).toEqual({
        ok: true,
        kind: 'cccd',
        value: '001090012345',
        provinceCode: '001',
        provinceName: 'Hà Nội',
        sex: 'male',
        birthYear: 1990,
      });
    });

    it.each([
      ['079001000123', 'male', 1901],
      ['079101000123', 'female', 1901],
      ['079203000123', 'male', 2003],
      ['079303000123', 'female', 2003],
      ['079400000123', 'male', 2100],
      ['079500000123', 'female', 2100],
      ['079600000123', 'male', 2200],
      ['079700000123', 'female', 2200],
      ['079899000123', 'male', 1899],
      ['079999000123', 'female', 1899],
    ])('reads the 4th digit of %s as sex %s, born %i', (id, sex, year) => {
      const r = parseCitizenId(id);
      expect(r).toMatchObject({ ok: true, kind: 'cccd', sex, birthYear: year, provinceName: 'Hồ Chí Minh' });
    });

    it('accepts every province code of the table and normalises spaces', () => {
      for (const code of Object.keys(CCCD_PROVINCE_CODES)) {
        expect(parseCitizenId(`${code}185001234`)).toMatchObject({ ok: true, provinceCode: code });
      }
      expect(parseCitizenId(' 036 1 85 001234 ')).toMatchObject({
        ok: true,
        value: '036185001234',
        sex: 'female',
      });
    });

    it.each(['099', '000', '003', '097', '100', '999'])('refuses unknown province code %s', (code) => {
      expect(parseCitizenId(`${code}090012345`)).toEqual({
        ok: false,
        code: 'CCCD_PROVINCE_UNKNOWN',
        reason: `unknown province code ${code} in CCCD`,
      });
    });

    it('refuses a digit string of the wrong length with a clear reason', () => {
      const r = parseCitizenId('00109001234');
      expect(r).toMatchObject({ ok: false, code: 'CCCD_LENGTH' });
      expect(!r.ok && r.reason).toContain('CCCD must be 12 digits');
      expect(parseCitizenId('0010900123456')).toMatchObject({ ok: false, code: 'CCCD_LENGTH' });
    });

    it('with kind cccd refuses letters and wrong lengths', () => {
      expect(parseCitizenId('00109001234A', { kind: 'cccd' })).toMatchObject({
        ok: false,
        code: 'CCCD_NOT_DIGITS',
      });
      expect(parseCitizenId('123456789', { kind: 'cccd' })).toMatchObject({ ok: false, code: 'CCCD_LENGTH' });
    });

    it('refuses a birth year after asOfYear when asked', () => {
      expect(parseCitizenId('001400000001', { asOfYear: 2026 })).toMatchObject({
        ok: false,
        code: 'CCCD_BIRTH_YEAR_IN_FUTURE',
      });
      expect(parseCitizenId('001225000001', { asOfYear: 2026 })).toMatchObject({ ok: true, birthYear: 2025 });
    });
  });

  describe('CMND (9 digits)', () => {
    it('accepts 9 digits', () => {
      expect(parseCitizenId('123456789')).toEqual({ ok: true, kind: 'cmnd', value: '123456789' });
    });

    it('with kind cmnd refuses anything else', () => {
      expect(parseCitizenId('001090012345', { kind: 'cmnd' })).toMatchObject({
        ok: false,
        code: 'CMND_FORMAT',
      });
      expect(parseCitizenId('12345678X', { kind: 'cmnd' })).toMatchObject({ ok: false, code: 'CMND_FORMAT' });
    });
  });

  describe('passport', () => {
    it('detects a Vietnamese passport (1 letter + 7 digits) and upper-cases it', () => {
      expect(parseCitizenId(' c1234567 ')).toEqual({
        ok: true,
        kind: 'passport',
        value: 'C1234567',
        format: 'vietnamese',
      });
    });

    it('accepts another passport number only when the kind is explicit', () => {
      expect(parseCitizenId('X12345678')).toMatchObject({ ok: false, code: 'ID_UNRECOGNIZED' });
      expect(parseCitizenId('x12345678', { kind: 'passport' })).toEqual({
        ok: true,
        kind: 'passport',
        value: 'X12345678',
        format: 'generic',
      });
    });

    it('refuses malformed passports', () => {
      expect(parseCitizenId('AB12', { kind: 'passport' })).toMatchObject({
        ok: false,
        code: 'PASSPORT_FORMAT',
      });
      expect(parseCitizenId('AB-123456', { kind: 'passport' })).toMatchObject({
        ok: false,
        code: 'PASSPORT_FORMAT',
      });
      expect(parseCitizenId('A1234567890123456', { kind: 'passport' })).toMatchObject({
        ok: false,
        code: 'PASSPORT_FORMAT',
      });
    });
  });

  it('refuses empty and unrecognisable input', () => {
    expect(parseCitizenId('')).toMatchObject({ ok: false, code: 'ID_EMPTY' });
    expect(parseCitizenId('   ')).toMatchObject({ ok: false, code: 'ID_EMPTY' });
    expect(parseCitizenId(undefined as unknown as string)).toMatchObject({ ok: false, code: 'ID_EMPTY' });
    expect(parseCitizenId('ABC-001')).toMatchObject({ ok: false, code: 'ID_UNRECOGNIZED' });
  });
});

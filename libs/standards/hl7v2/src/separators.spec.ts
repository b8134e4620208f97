import { Hl7ValidationError } from './errors';
import {
  DEFAULT_SEPARATORS,
  encodingCharacters,
  resolveSeparators,
  separatorsFromMsh,
  splitOn,
} from './separators';

describe('separatorsFromMsh (HL7 v2.5.1 §2.5.4, MSH-1/MSH-2)', () => {
  it('reads the recommended delimiters', () => {
    expect(separatorsFromMsh('MSH|^~\\&|LIS|')).toEqual(DEFAULT_SEPARATORS);
    expect(encodingCharacters(DEFAULT_SEPARATORS)).toBe('^~\\&');
  });

  it('reads any delimiters the message declares', () => {
    expect(separatorsFromMsh('MSH#@*$%#A')).toEqual({
      field: '#',
      component: '@',
      repetition: '*',
      escape: '$',
      subcomponent: '%',
      truncation: '',
    });
  });

  it('reads the v2.7 truncation character as a fifth encoding character', () => {
    expect(separatorsFromMsh('MSH|^~\\&#|').truncation).toBe('#');
  });

  it('accepts a shorter MSH-2: the missing delimiters are absent', () => {
    const s = separatorsFromMsh('MSH|^~\\|');
    expect(s.subcomponent).toBe('');
    expect(splitOn('a&b', s.subcomponent)).toEqual(['a&b']);
  });

  it.each([
    ['MSH', 1, 'missing field separator'],
    ['MSHA^~\\&A', 1, 'letter as field separator'],
    ['MSH||', 2, 'empty MSH-2'],
    ['MSH|^^\\&|', 2, 'repeated delimiter'],
    ['MSH|^~\\&\r', 2, 'segment terminator among the encoding characters'],
    ['MSH|^~ &|', 2, 'space as delimiter'],
    ['MSH|^~\\&#!|', 2, 'six encoding characters'],
  ])('rejects %j with 102 at MSH-%i (%s)', (msh, field) => {
    let error: unknown;
    try {
      separatorsFromMsh(msh);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Hl7ValidationError);
    expect(error).toMatchObject({ code: '102', location: { segment: 'MSH', field } });
  });

  it('resolveSeparators fills in defaults and checks the result', () => {
    expect(resolveSeparators({ component: '@' }).component).toBe('@');
    expect(() => resolveSeparators({ component: '|' })).toThrow(Hl7ValidationError);
    expect(() => resolveSeparators({ escape: '' })).toThrow(TypeError);
  });
});

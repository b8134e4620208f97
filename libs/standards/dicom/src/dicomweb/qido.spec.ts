import { identifierFromQuery, QueryParameterError, tagOf, vrOf } from './qido';

describe('QIDO-RS query parameters', () => {
  it('maps keywords and tags, with their VR', () => {
    expect(tagOf('PatientName')).toBe('00100010');
    expect(tagOf('0020000d')).toBe('0020000D');
    expect(tagOf('NotAnAttribute')).toBeUndefined();
    expect(vrOf('00100010')).toBe('PN');
  });

  it('builds a C-FIND identifier: values, UID lists, includefield', () => {
    const { identifier, includeAll } = identifierFromQuery({
      PatientName: 'NGUYEN^VAN*',
      StudyInstanceUID: '1.2.3,1.2.4',
      ModalitiesInStudy: 'CT\\MR',
      includefield: ['PatientAge,StudyDescription', 'all'],
      limit: '10',
    });
    expect(includeAll).toBe(true);
    expect(identifier).toEqual({
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'NGUYEN^VAN*' }] },
      '0020000D': { vr: 'UI', Value: ['1.2.3', '1.2.4'] },
      '00080061': { vr: 'CS', Value: ['CT', 'MR'] },
      '00101010': { vr: 'AS' },
      '00081030': { vr: 'LO' },
    });
  });

  it('refuses an unknown attribute, naming it', () => {
    expect(() => identifierFromQuery({ Nope: 'x' })).toThrow(QueryParameterError);
  });
});

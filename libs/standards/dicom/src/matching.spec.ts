import { attr, type DicomJson, pn, seq } from './dicom-json';
import { matches, normalizePersonName, responseFor } from './matching';

const item: DicomJson = {
  '00100010': pn('Nguyễn^Văn An'),
  '00100020': attr('LO', 'BN001'),
  '00080061': attr('CS', 'CT', 'SR'),
  '0020000D': attr('UI', '1.2.3'),
  '00080020': attr('DA', '20261122'),
  '00080030': attr('TM', '081530.25'),
  '00400100': seq(
    { '00080060': attr('CS', 'CT'), '00400001': attr('AE', 'CT01') },
    { '00080060': attr('CS', 'MR'), '00400001': attr('AE', 'MR01') },
  ),
};

describe('C-FIND attribute matching (PS3.4 C.2.2.2)', () => {
  it('universal matching: zero-length keys match anything, even a missing attribute', () => {
    expect(matches({ '00100010': { vr: 'PN' }, '00081030': { vr: 'LO' } }, item)).toBe(true);
  });

  it('single value and wildcard matching', () => {
    expect(matches({ '00100020': attr('LO', 'BN001') }, item)).toBe(true);
    expect(matches({ '00100020': attr('LO', 'BN002') }, item)).toBe(false);
    expect(matches({ '00100020': attr('LO', 'BN*') }, item)).toBe(true);
    expect(matches({ '00100020': attr('LO', 'BN00?') }, item)).toBe(true);
    expect(matches({ '00100020': attr('LO', 'bn001') }, item)).toBe(false);
  });

  it('person names: case, accents (đ too), ^ and spaces do not matter', () => {
    expect(normalizePersonName('Trần^Đức  Anh^^')).toBe('TRAN DUC ANH');
    expect(matches({ '00100010': pn('NGUYEN^VAN AN') }, item)).toBe(true);
    expect(matches({ '00100010': pn('nguyễn*') }, item)).toBe(true);
    expect(matches({ '00100010': pn('*AN') }, item)).toBe(true);
    expect(matches({ '00100010': pn('TRAN*') }, item)).toBe(false);
  });

  it('UID lists, multi-valued candidates and keys', () => {
    expect(matches({ '0020000D': attr('UI', '1.2.4', '1.2.3') }, item)).toBe(true);
    expect(matches({ '0020000D': attr('UI', '1.2.*') }, item)).toBe(false); // no wildcards in UIDs
    expect(matches({ '00080061': attr('CS', 'SR') }, item)).toBe(true);
    expect(matches({ '00080061': attr('CS', 'MR', 'CT') }, item)).toBe(true);
    expect(matches({ '00080061': attr('CS', 'US') }, item)).toBe(false);
  });

  it('date and time ranges, open-ended and of lower precision', () => {
    expect(matches({ '00080020': attr('DA', '20261101-20261130') }, item)).toBe(true);
    expect(matches({ '00080020': attr('DA', '20261123-') }, item)).toBe(false);
    expect(matches({ '00080020': attr('DA', '-20261122') }, item)).toBe(true);
    expect(matches({ '00080030': attr('TM', '0800-0815') }, item)).toBe(true);
    expect(matches({ '00080030': attr('TM', '0816-') }, item)).toBe(false);
  });

  it('sequence matching: all keys of the item within one candidate item', () => {
    const q = (mod: string, ae: string): DicomJson => ({
      '00400100': seq({ '00080060': attr('CS', mod), '00400001': attr('AE', ae) }),
    });
    expect(matches(q('MR', 'MR01'), item)).toBe(true);
    expect(matches(q('MR', 'CT01'), item)).toBe(false);
    expect(matches({ '00400100': seq({ '00080060': { vr: 'CS' } }) }, item)).toBe(true);
  });

  it('answers with the requested keys only, empty when the candidate has no value', () => {
    const r = responseFor(
      {
        '00100010': { vr: 'PN' },
        '00081030': { vr: 'LO' },
        '00400100': seq({ '00080060': attr('CS', 'MR'), '00400001': { vr: 'AE' } }),
      },
      item,
    );
    expect(r).toEqual({
      '00100010': pn('Nguyễn^Văn An'),
      '00081030': { vr: 'LO' },
      '00400100': seq({ '00080060': attr('CS', 'MR'), '00400001': attr('AE', 'MR01') }),
    });
  });
});

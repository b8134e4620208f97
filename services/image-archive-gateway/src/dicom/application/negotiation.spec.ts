import { negotiate } from './negotiation';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const [IMPLICIT, EXPLICIT, BIG, JLS] = [
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.4.80',
];

describe('presentation context negotiation', () => {
  it('accepts a storage context in the first syntax proposed, big endian only alone', () => {
    expect(negotiate(CT, [JLS, EXPLICIT])).toBe(JLS);
    expect(negotiate(CT, [IMPLICIT, EXPLICIT])).toBe(IMPLICIT);
    expect(negotiate(CT, [BIG, EXPLICIT])).toBe(EXPLICIT);
    expect(negotiate(CT, [BIG])).toBe(BIG);
    expect(negotiate(CT, ['1.2.3.4'])).toBe('transfer');
  });

  it('prefers explicit little endian for storage contexts of a C-GET (the caller plays SCP)', () => {
    expect(negotiate(CT, [JLS, IMPLICIT, EXPLICIT], { scp: true })).toBe(EXPLICIT);
    expect(negotiate(CT, [JLS], { scp: true })).toBe(JLS);
  });

  it('takes uncompressed syntaxes for the other services and rejects unknown SOP classes', () => {
    expect(negotiate('1.2.840.10008.5.1.4.31', [JLS, IMPLICIT])).toBe(IMPLICIT);
    expect(negotiate('1.2.840.10008.1.1', [JLS])).toBe('transfer');
    expect(negotiate('1.2.826.0.1.3680043.10.543.999.1', [EXPLICIT])).toBe('abstract');
  });
});

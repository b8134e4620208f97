import { GENDERS } from './code-lists';
import { N, S } from './field-builders';
import { applyPatch, codeChange, type LayoutPatch } from './patch';
import { QD130 } from './qd130';
import { tableDef } from './versions';

function patch(overrides: Partial<LayoutPatch>): LayoutPatch {
  return {
    id: 'QD4750',
    title: 'test',
    effectiveFrom: '2024-07-01',
    basis: 'test',
    changes: [],
    tables: {},
    ...overrides,
  };
}

describe('applyPatch', () => {
  it('changes, inserts and removes fields, and stamps the new version', () => {
    const layout = applyPatch(
      QD130,
      patch({
        tables: {
          XML4: {
            change: { GIA_TRI: { maxLength: 100 } },
            insert: [
              { after: 'MA_LK', fields: [S('X_AFTER_MA_LK', 5)] },
              { after: '', fields: [N('X_FIRST', 1, { codes: GENDERS })] },
            ],
            remove: ['DU_PHONG'],
          },
        },
      }),
    );
    const xml4 = tableDef(layout, 'XML4');
    expect(xml4.layoutId).toBe('QD4750');
    expect(xml4.fields.map((f) => f.name).slice(0, 4)).toEqual(['X_FIRST', 'MA_LK', 'X_AFTER_MA_LK', 'STT']);
    expect(xml4.fields.find((f) => f.name === 'GIA_TRI')?.maxLength).toBe(100);
    expect(xml4.fields.map((f) => f.name)).not.toContain('DU_PHONG');
    // The base is not modified.
    expect(tableDef(QD130, 'XML4').fields.find((f) => f.name === 'GIA_TRI')?.maxLength).toBe(50);
    expect(tableDef(QD130, 'XML4').layoutId).toBe('QD130');
  });

  it('swaps a code list with codeChange', () => {
    const layout = applyPatch(
      QD130,
      patch({ tables: { XML1: { change: { GIOI_TINH: codeChange({ codes: ['1'], label: 'one' }) } } } }),
    );
    expect(tableDef(layout, 'XML1').fields.find((f) => f.name === 'GIOI_TINH')).toMatchObject({
      codes: ['1'],
      codeList: 'one',
    });
  });

  it.each<[string, Partial<LayoutPatch>, RegExp]>([
    ['an earlier date', { effectiveFrom: '2023-01-01' }, /must take effect after QD130/],
    [
      'a missing field to change',
      { tables: { XML2: { change: { NO_SUCH: { maxLength: 1 } } } } },
      /changes NO_SUCH/,
    ],
    [
      'a missing anchor',
      { tables: { XML2: { insert: [{ after: 'NO_SUCH', fields: [S('A', 1)] }] } } },
      /inserts after NO_SUCH/,
    ],
    ['a missing field to remove', { tables: { XML2: { remove: ['NO_SUCH'] } } }, /removes NO_SUCH/],
    [
      'a duplicate field',
      { tables: { XML2: { insert: [{ after: 'STT', fields: [S('MA_LK', 1)] }] } } },
      /MA_LK appears twice/,
    ],
    ['a missing table', { tables: { XML13: { change: {} } } }, /changes XML13/],
    ['an existing table added', { tables: { XML1: { add: tableDef(QD130, 'XML1') } } }, /adds XML1/],
    [
      'an envelope table the layout lacks',
      { envelope: { tables: ['XML1', 'XML13'] } },
      /envelope lists XML13/,
    ],
  ])('refuses %s', (_label, overrides, message) => {
    expect(() => applyPatch(QD130, patch(overrides))).toThrow(message);
  });
});

import type { FieldDef, Layout, TableId } from './types';
import { LAYOUTS, LAYOUT_PATCHES, layoutById, layoutFor, tableDef } from './versions';

function field(layout: Layout, table: TableId, name: string): FieldDef | undefined {
  return tableDef(layout, table).fields.find((f) => f.name === name);
}

function names(layout: Layout, table: TableId): string[] {
  return tableDef(layout, table).fields.map((f) => f.name);
}

function idOn(date: string): string {
  const result = layoutFor(date);
  if (!result.ok) throw new Error(result.reason);
  return result.layout.id;
}

describe('layoutFor: the version in force on a day', () => {
  it.each([
    ['2023-09-01', 'QD130'],
    ['2024-06-30', 'QD130'],
    ['2024-07-01', 'QD4750'],
    ['2024-12-31', 'QD4750'],
    ['2025-01-01', 'QD3176'],
    ['2026-06-30', 'QD3176'],
    ['2026-07-01', 'QD1931'],
    ['2026-07-31', 'QD1931'],
    ['2026-08-01', 'QD1804'],
    ['2030-01-01', 'QD1804'],
  ])('%s → %s', (date, id) => {
    expect(idOn(date)).toBe(id);
  });

  it('accepts the compact yyyymmdd form too', () => {
    expect(idOn('20250101')).toBe('QD3176');
  });

  it('refuses a day before QĐ 130', () => {
    const result = layoutFor('2023-08-31');
    expect(result).toEqual({
      ok: false,
      code: 'BEFORE_FIRST_LAYOUT',
      reason: expect.stringContaining('2023-09-01'),
    });
  });

  it('refuses malformed and impossible dates', () => {
    expect(layoutFor('01/07/2024')).toMatchObject({ ok: false, code: 'DATE_FORMAT' });
    expect(layoutFor('2025-02-29')).toMatchObject({ ok: false, code: 'DATE_INVALID' });
  });

  it('lists the versions oldest first, each later than the one before', () => {
    expect(LAYOUTS.map((l) => l.id)).toEqual(['QD130', 'QD4750', 'QD3176', 'QD1931', 'QD1804']);
    for (let i = 1; i < LAYOUTS.length; i++) {
      expect(LAYOUTS[i].effectiveFrom > LAYOUTS[i - 1].effectiveFrom).toBe(true);
    }
    expect(LAYOUT_PATCHES.map((p) => p.id)).toEqual(['QD4750', 'QD3176', 'QD1931', 'QD1804']);
  });
});

describe('tableDef', () => {
  it('returns the table stamped with its layout', () => {
    const xml3 = tableDef(layoutById('QD4750'), 'XML3');
    expect(xml3).toMatchObject({
      id: 'XML3',
      layoutId: 'QD4750',
      root: 'CHITIEU_CHITIET_DVKT_VTYT',
      list: 'DSACH_CHI_TIET_DVKT',
      record: 'CHI_TIET_DVKT',
    });
  });

  it('throws for a table the version does not define', () => {
    expect(() => tableDef(layoutById('QD130'), 'XML13')).toThrow(/QD130 defines no table XML13/);
  });

  it('describes the document shapes of spec §1.1', () => {
    const layout = layoutById('QD3176');
    const single: TableId[] = ['XML1', 'XML7', 'XML8', 'XML10', 'XML11', 'XML13', 'XML14'];
    for (const id of Object.keys(layout.tables) as TableId[]) {
      const def = tableDef(layout, id);
      expect({ id, single: def.list === null, record: def.record === null }).toEqual({
        id,
        single: single.includes(id),
        record: single.includes(id),
      });
      expect(def.signatureSlot).toBe(id === 'XML0');
      expect(def.sentByHis).toBe(id !== 'XML12');
      expect(def.fields.length).toBeGreaterThan(0);
    }
    expect(tableDef(layout, 'XML0').root).toBe('CHI_TIEU_TRANG_THAI_KCB');
    expect(tableDef(layout, 'XML1').root).toBe('TONG_HOP');
    expect(tableDef(layout, 'XML15').record).toBe('CHITIET_DIEUTRI_BENHLAO');
  });

  it('gives the element counts of the spec tables', () => {
    const layout = layoutById('QD4750');
    // §1.6: 26 rows; §1.7: 65 rows + NHOM_MAU; §1.8: 38 + NGAY_TH_YL; §1.9: 47; §1.10: 12.
    expect(names(layout, 'XML0')).toHaveLength(26);
    expect(names(layout, 'XML1')).toHaveLength(66);
    expect(names(layout, 'XML2')).toHaveLength(39);
    expect(names(layout, 'XML3')).toHaveLength(47);
    expect(names(layout, 'XML4')).toHaveLength(12);
    expect(names(layoutById('QD130'), 'XML0')).toHaveLength(18);
    expect(names(layoutById('QD130'), 'XML1')).toHaveLength(65);
  });
});

describe('patches are applied', () => {
  const qd130 = layoutById('QD130');
  const qd4750 = layoutById('QD4750');
  const qd3176 = layoutById('QD3176');
  const qd1931 = layoutById('QD1931');
  const qd1804 = layoutById('QD1804');

  it('MUC_HUONG is 3 wide before 2026-07-01 and 4 from then (QĐ 1931)', () => {
    for (const table of ['XML2', 'XML3'] as const) {
      expect(field(qd3176, table, 'MUC_HUONG')?.maxLength).toBe(3);
      expect(field(qd1931, table, 'MUC_HUONG')?.maxLength).toBe(4);
      expect(field(qd1804, table, 'MUC_HUONG')?.maxLength).toBe(4);
    }
  });

  it('NHOM_MAU appears in 4750, after GIOI_TINH, and not in 130', () => {
    expect(field(qd130, 'XML1', 'NHOM_MAU')).toBeUndefined();
    const xml1 = names(qd4750, 'XML1');
    expect(xml1[xml1.indexOf('GIOI_TINH') + 1]).toBe('NHOM_MAU');
    expect(xml1[xml1.indexOf('NHOM_MAU') + 1]).toBe('MA_QUOCTICH');
  });

  it('XML2 NGAY_TH_YL follows NGAY_YL from 4750', () => {
    expect(names(qd130, 'XML2')).not.toContain('NGAY_TH_YL');
    const xml2 = names(qd4750, 'XML2');
    expect(xml2.slice(xml2.indexOf('NGAY_YL'), xml2.indexOf('NGAY_YL') + 3)).toEqual([
      'NGAY_YL',
      'NGAY_TH_YL',
      'MA_PTTT',
    ]);
  });

  it('the check-in is redefined by 4750 in the order of the 2024 skeleton', () => {
    expect(names(qd4750, 'XML0')).toEqual([
      'MA_LK',
      'STT',
      'MA_BN',
      'HO_TEN',
      'SO_CCCD',
      'NGAY_SINH',
      'GIOI_TINH',
      'MA_THE_BHYT',
      'MA_DKBD',
      'GT_THE_TU',
      'GT_THE_DEN',
      'MA_DOITUONG_KCB',
      'NGAY_VAO',
      'NGAY_VAO_NOI_TRU',
      'LY_DO_VNT',
      'MA_LY_DO_VNT',
      'MA_LOAI_KCB',
      'MA_CSKCB',
      'MA_DICH_VU',
      'TEN_DICH_VU',
      'MA_THUOC',
      'TEN_THUOC',
      'MA_VAT_TU',
      'TEN_VAT_TU',
      'NGAY_YL',
      'DU_PHONG',
    ]);
  });

  it('types and widths change with 4750', () => {
    expect(field(qd130, 'XML1', 'SO_CCCD')).toMatchObject({ type: 'N', format: 'integer', pattern: null });
    expect(field(qd4750, 'XML1', 'SO_CCCD')).toMatchObject({ type: 'S', format: null, maxLength: 15 });
    expect(field(qd4750, 'XML1', 'SO_CCCD')?.pattern?.regex).toContain('[A-Z][0-9]{7}');
    expect(field(qd130, 'XML0', 'MA_DOITUONG_KCB')).toMatchObject({ type: 'N', maxLength: 1 });
    expect(field(qd4750, 'XML0', 'MA_DOITUONG_KCB')).toMatchObject({ type: 'S', maxLength: 4, format: null });
    expect(field(qd130, 'XML1', 'MA_DOITUONG_KCB')?.maxLength).toBe(3);
    expect(field(qd4750, 'XML1', 'MA_DOITUONG_KCB')?.maxLength).toBe(4);
    expect(field(qd130, 'XML1', 'MA_LOAI_KCB')?.type).toBe('N');
    expect(field(qd4750, 'XML1', 'MA_LOAI_KCB')?.type).toBe('S');
    expect(field(qd130, 'XML2', 'MA_KHOA')?.maxLength).toBe(15);
    expect(field(qd4750, 'XML2', 'MA_KHOA')?.maxLength).toBe(50);
    expect(field(qd130, 'XML3', 'TT_THAU')?.maxLength).toBe(25);
    expect(field(qd4750, 'XML3', 'TT_THAU')?.maxLength).toBe(50);
    expect(field(qd130, 'XML3', 'MA_KHOA')?.maxLength).toBe(20);
    expect(field(qd4750, 'XML3', 'MA_KHOA')?.maxLength).toBe(50);
  });

  it('code lists change: KET_QUA_DTRI 8 and MA_NHOM 19 from 4750, MA_LOAI_KCB 11–16 from QĐ 1804', () => {
    expect(field(qd130, 'XML1', 'KET_QUA_DTRI')?.codes).not.toContain('8');
    expect(field(qd4750, 'XML1', 'KET_QUA_DTRI')?.codes).toContain('8');
    expect(field(qd4750, 'XML8', 'KET_QUA_DTRI')?.codes).toContain('8');
    expect(field(qd130, 'XML3', 'MA_NHOM')?.codes).not.toContain('19');
    expect(field(qd4750, 'XML3', 'MA_NHOM')?.codes).toContain('19');
    expect(field(qd4750, 'XML2', 'MA_NHOM')?.codes).toContain('19');
    expect(field(qd1931, 'XML1', 'MA_LOAI_KCB')?.codes).toEqual([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
    ]);
    expect(field(qd1804, 'XML1', 'MA_LOAI_KCB')?.codes).toHaveLength(16);
    expect(field(qd1804, 'XML0', 'MA_LOAI_KCB')?.codes).toContain('16');
  });

  it('adds XML13–XML15 with 4750 and keeps XML12 out of the envelope', () => {
    expect(Object.keys(qd130.tables)).not.toContain('XML13');
    expect(Object.keys(qd4750.tables)).toEqual(expect.arrayContaining(['XML13', 'XML14', 'XML15']));
    expect(qd130.envelope).toEqual({
      declareNamespaces: false,
      tables: ['XML1', 'XML2', 'XML3', 'XML4', 'XML5', 'XML6', 'XML7', 'XML8', 'XML9', 'XML10', 'XML11'],
    });
    expect(qd4750.envelope.declareNamespaces).toBe(true);
    expect(qd4750.envelope.tables).toContain('XML15');
    expect(qd4750.envelope.tables).not.toContain('XML12');
    expect(qd4750.envelope.tables).not.toContain('XML0');
  });

  it('QĐ 3176 is its own version but identical to 4750 (appendix not read)', () => {
    expect(qd3176.id).toBe('QD3176');
    expect(qd3176.changes.join(' ')).toMatch(/not read/);
    for (const id of Object.keys(qd4750.tables) as TableId[]) {
      expect({ ...tableDef(qd3176, id), layoutId: 'QD4750' }).toEqual(tableDef(qd4750, id));
    }
    expect(qd3176.envelope).toEqual(qd4750.envelope);
  });

  it('leaves earlier versions untouched', () => {
    expect(field(qd130, 'XML2', 'MUC_HUONG')?.maxLength).toBe(3);
    expect(tableDef(qd130, 'XML2').layoutId).toBe('QD130');
  });
});

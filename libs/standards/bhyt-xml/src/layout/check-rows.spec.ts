import { sampleCheckIn, sampleXml1, sampleXml2, sampleXml3, sampleXml4 } from '../xml/sample-claim';
import type { XmlRow } from '../xml/write-table';
import { checkRows } from './check-rows';
import type { LocatedError } from './located-error';
import type { TableId } from './types';
import { layoutById, tableDef } from './versions';

const layout = layoutById('QD1804');
const def = (id: TableId) => tableDef(layout, id);

/** The errors of one table as [row, field, code] triples, for compact assertions. */
function found(
  id: TableId,
  rows: readonly XmlRow[],
  options = {},
  onLayout = layout,
): [number, string, string][] {
  return checkRows(tableDef(onLayout, id), rows, options).map((e) => [e.row, e.field, e.code]);
}

function only(errors: LocatedError[]): LocatedError {
  expect(errors).toHaveLength(1);
  return errors[0];
}

const x1 = (changes: Record<string, string | undefined>): XmlRow[] => [{ ...sampleXml1(), ...changes }];
const x2 = (changes: Record<string, string | undefined>): XmlRow[] => [{ ...sampleXml2()[0], ...changes }];
const x3 = (index: number, changes: Record<string, string | undefined>): XmlRow[] => {
  const rows = sampleXml3();
  rows[index] = { ...rows[index], ...changes };
  return rows;
};

describe('checkRows: good rows', () => {
  it.each<[TableId, XmlRow[]]>([
    ['XML0', [sampleCheckIn()]],
    ['XML1', [sampleXml1()]],
    ['XML2', sampleXml2()],
    ['XML3', sampleXml3()],
    ['XML4', sampleXml4()],
  ])('finds nothing in the sample %s', (id, rows) => {
    expect(checkRows(def(id), rows)).toEqual([]);
  });

  it('accepts an unknown birth day and month (0000) and a fractional MUC_HUONG from QĐ 1931', () => {
    expect(found('XML1', x1({ NGAY_SINH: '198500000000' }))).toEqual([]);
    expect(found('XML2', x2({ MUC_HUONG: '47.5' }))).toEqual([]);
  });
});

describe('checkRows: values', () => {
  it('reports a missing required field with its location', () => {
    const error = only(checkRows(def('XML1'), x1({ HO_TEN: '' })));
    expect(error).toEqual({
      table: 'XML1',
      row: 1,
      field: 'HO_TEN',
      code: 'REQUIRED',
      reason: 'HO_TEN (QD1804 XML1, spec §1.7) is required and is empty',
    });
    expect(found('XML1', x1({ MA_CSKCB: undefined }))).toEqual([[1, 'MA_CSKCB', 'REQUIRED']]);
    expect(found('XML1', x1({ MA_BN: '   ' }))).toEqual([[1, 'MA_BN', 'REQUIRED']]);
  });

  it('reports width in characters, not bytes or UTF-16 units', () => {
    expect(found('XML1', x1({ MA_BENH_CHINH: 'J15.9ABC' }))).toEqual([[1, 'MA_BENH_CHINH', 'TOO_LONG']]);
    expect(found('XML1', x1({ HO_TEN: 'Đ'.repeat(255) }))).toEqual([]);
    expect(found('XML1', x1({ HO_TEN: '😀'.repeat(255) }))).toEqual([]);
    expect(only(checkRows(def('XML1'), x1({ HO_TEN: 'ệ'.repeat(256) }))).reason).toBe(
      'HO_TEN (QD1804 XML1, spec §1.7) has 256 characters, more than the 255 allowed',
    );
  });

  it('reports MUC_HUONG wider than 3 before QĐ 1931 and accepts 4 after', () => {
    const before = layoutById('QD3176');
    expect(found('XML3', x3(0, { MUC_HUONG: '47.5' }), {}, before)).toEqual([[1, 'MUC_HUONG', 'TOO_LONG']]);
    expect(found('XML3', x3(0, { MUC_HUONG: '47.5' }))).toEqual([]);
  });

  it('reports numbers: not a number, too many decimals, out of range', () => {
    expect(found('XML2', x2({ SO_LUONG: '1,5' }))).toEqual([[1, 'SO_LUONG', 'NOT_A_NUMBER']]);
    expect(found('XML2', x2({ SO_LUONG: '1.2345' }))).toEqual([[1, 'SO_LUONG', 'TOO_MANY_DECIMALS']]);
    expect(found('XML2', x2({ DON_GIA: '15500.125' }))).toEqual([]);
    expect(found('XML2', x2({ THANH_TIEN_BV: '155000.001' }))).toEqual([
      [1, 'THANH_TIEN_BV', 'TOO_MANY_DECIMALS'],
    ]);
    expect(found('XML2', x2({ THANH_TIEN_BV: '-5' }))).toEqual([[1, 'THANH_TIEN_BV', 'NOT_A_NUMBER']]);
    expect(found('XML2', x2({ THANH_TIEN_BV: '1e5' }))).toEqual([[1, 'THANH_TIEN_BV', 'NOT_A_NUMBER']]);
    expect(found('XML2', x2({ TYLE_TT_BH: '101' }))).toEqual([[1, 'TYLE_TT_BH', 'OUT_OF_RANGE']]);
    expect(found('XML1', x1({ SO_NGAY_DTRI: '5.5' }))).toEqual([[1, 'SO_NGAY_DTRI', 'TOO_MANY_DECIMALS']]);
    const error = only(checkRows(def('XML2'), x2({ SO_LUONG: '1.2345' })));
    expect(error.reason).toBe(
      'SO_LUONG (QD1804 XML2, spec §1.8) \'1.2345\' has 4 decimals; it must be a quantity with at most 3 decimals and "." as separator (spec §1.5)',
    );
  });

  it('reports dates and times: form and calendar', () => {
    expect(found('XML1', x1({ NGAY_VAO: '2026-11-18 08:15' }))).toEqual([
      [1, 'NGAY_VAO', 'TOO_LONG'],
      [1, 'NGAY_VAO', 'BAD_DATETIME'],
    ]);
    expect(found('XML1', x1({ NGAY_RA: '20261122' }))).toEqual([[1, 'NGAY_RA', 'BAD_DATETIME']]);
    expect(found('XML1', x1({ NGAY_RA: '202611222460' }))).toEqual([[1, 'NGAY_RA', 'BAD_DATETIME']]);
    expect(found('XML1', x1({ NGAY_TTOAN: '202602301030' }))).toEqual([[1, 'NGAY_TTOAN', 'BAD_DATETIME']]);
    expect(found('XML1', x1({ NAM_NAM_LIEN_TUC: '20230229' }))).toEqual([
      [1, 'NAM_NAM_LIEN_TUC', 'BAD_DATE'],
    ]);
    expect(found('XML1', x1({ NAM_NAM_LIEN_TUC: '20240229' }))).toEqual([]);
    expect(found('XML1', x1({ NGAY_MIEN_CCT: '20260301' }))).toEqual([]);
    expect(found('XML1', x1({ NGAY_MIEN_CCT: '202603010800' }))).toEqual([]);
    expect(found('XML1', x1({ NGAY_SINH: '198513120000' }))).toEqual([[1, 'NGAY_SINH', 'BAD_DATETIME']]);
  });

  it('reports code lists by version', () => {
    expect(found('XML1', x1({ GIOI_TINH: '0' }))).toEqual([[1, 'GIOI_TINH', 'NOT_IN_CODE_LIST']]);
    expect(found('XML1', x1({ MA_LOAI_KCB: '3' }))).toEqual([[1, 'MA_LOAI_KCB', 'NOT_IN_CODE_LIST']]);
    expect(found('XML1', x1({ MA_LOAI_KCB: '14' }))).toEqual([]);
    expect(found('XML1', x1({ MA_LOAI_KCB: '14' }), {}, layoutById('QD1931'))).toEqual([
      [1, 'MA_LOAI_KCB', 'NOT_IN_CODE_LIST'],
    ]);
    expect(found('XML1', x1({ KET_QUA_DTRI: '9' }))).toEqual([[1, 'KET_QUA_DTRI', 'NOT_IN_CODE_LIST']]);
    expect(found('XML1', x1({ MA_LOAI_RV: '6' }))).toEqual([[1, 'MA_LOAI_RV', 'NOT_IN_CODE_LIST']]);
    expect(found('XML1', x1({ MA_KHUVUC: 'K4' }))).toEqual([[1, 'MA_KHUVUC', 'NOT_IN_CODE_LIST']]);
    expect(found('XML2', x2({ PHAM_VI: '4' }))).toEqual([[1, 'PHAM_VI', 'NOT_IN_CODE_LIST']]);
    expect(found('XML2', x2({ MA_PTTT: '4' }))).toEqual([[1, 'MA_PTTT', 'NOT_IN_CODE_LIST']]);
    expect(found('XML2', x2({ NGUON_CTRA: '5' }))).toEqual([[1, 'NGUON_CTRA', 'NOT_IN_CODE_LIST']]);
    expect(found('XML3', x3(0, { MA_NHOM: '20' }))).toEqual([[1, 'MA_NHOM', 'NOT_IN_CODE_LIST']]);
    expect(found('XML3', x3(0, { MA_NHOM: '19' }))).toEqual([]);
    expect(found('XML3', x3(0, { PP_VO_CAM: '5' }))).toEqual([[1, 'PP_VO_CAM', 'NOT_IN_CODE_LIST']]);
    const error = only(checkRows(def('XML1'), x1({ KET_QUA_DTRI: '9' })));
    expect(error.reason).toBe(
      "KET_QUA_DTRI (QD1804 XML1, spec §1.7) '9' is not in the code list KET_QUA_DTRI 1–8 (QĐ 4750, spec §1.12)",
    );
    // Code 8 only from QĐ 4750.
    const qd130Row = { ...sampleXml1(), KET_QUA_DTRI: '8', NHOM_MAU: undefined, MA_LOAI_KCB: '03' };
    delete (qd130Row as Record<string, unknown>)['NHOM_MAU'];
    expect(found('XML1', [qd130Row], {}, layoutById('QD130'))).toContainEqual([
      1,
      'KET_QUA_DTRI',
      'NOT_IN_CODE_LIST',
    ]);
  });

  it('reports the portal patterns: SO_CCCD, MA_TTDV, GOI_VTYT, VET_THUONG_TP, TAI_SU_DUNG', () => {
    for (const ok of ['079185001234', '123456789', 'B1234567'])
      expect(found('XML1', x1({ SO_CCCD: ok }))).toEqual([]);
    for (const bad of ['07918500123', 'b1234567', 'AB123456']) {
      expect(found('XML1', x1({ SO_CCCD: bad }))).toEqual([[1, 'SO_CCCD', 'PATTERN']]);
    }
    expect(only(checkRows(def('XML1'), x1({ SO_CCCD: 'AB123456' }))).reason).toBe(
      "SO_CCCD (QD1804 XML1, spec §1.7) 'AB123456' must be 9 or 12 digits, or 1 capital letter followed by 7 digits (spec §1.5 portal rule)",
    );
    expect(found('XML1', x1({ MA_TTDV: '790123456' }))).toEqual([[1, 'MA_TTDV', 'PATTERN']]);
    for (const ok of ['G1', 'G27', 'G99']) expect(found('XML3', x3(4, { GOI_VTYT: ok }))).toEqual([]);
    // The portal rule allows G1–G999 but the appendix width is 3: G100 and above fail the width (spec conflict).
    expect(found('XML3', x3(4, { GOI_VTYT: 'G999' }))).toEqual([[5, 'GOI_VTYT', 'TOO_LONG']]);
    for (const bad of ['G0', 'G01', '1', 'g1']) {
      expect(found('XML3', x3(4, { GOI_VTYT: bad }))).toEqual([[5, 'GOI_VTYT', 'PATTERN']]);
    }
    expect(found('XML3', x3(4, { GOI_VTYT: 'G1000' }))).toEqual([
      [5, 'GOI_VTYT', 'TOO_LONG'],
      [5, 'GOI_VTYT', 'PATTERN'],
    ]);
    expect(found('XML3', x3(0, { VET_THUONG_TP: '1', TAI_SU_DUNG: '1' }))).toEqual([]);
    expect(found('XML3', x3(0, { VET_THUONG_TP: '0', TAI_SU_DUNG: '2' }))).toEqual([
      [1, 'VET_THUONG_TP', 'NOT_IN_CODE_LIST'],
      [1, 'TAI_SU_DUNG', 'NOT_IN_CODE_LIST'],
    ]);
    expect(found('XML2', x2({ VET_THUONG_TP: '2' }))).toEqual([[1, 'VET_THUONG_TP', 'NOT_IN_CODE_LIST']]);
  });

  it('checks ;-lists item by item', () => {
    expect(
      found(
        'XML1',
        x1({
          MA_THE_BHYT: 'GD4797920123456;HT3797920654321',
          GT_THE_TU: '20260101;20260601',
          GT_THE_DEN: '20260531;20261231',
        }),
      ),
    ).toEqual([]);
    expect(
      found(
        'XML1',
        x1({
          MA_THE_BHYT: 'GD4797920123456;gd47',
          GT_THE_TU: '20260101;20260601',
          GT_THE_DEN: '20260531;20261231',
        }),
      ),
    ).toEqual([[1, 'MA_THE_BHYT', 'PATTERN']]);
    expect(found('XML1', x1({ MA_BENH_KT: 'I10;;E11.9' }))).toEqual([[1, 'MA_BENH_KT', 'EMPTY_ITEM']]);
    expect(
      found('XML1', x1({ MA_BENH_KT: Array.from({ length: 13 }, (_, i) => `A0${i % 10}`).join(';') })),
    ).toEqual([[1, 'MA_BENH_KT', 'TOO_MANY_ITEMS']]);
    expect(found('XML1', x1({ NGAY_TAI_KHAM: '20261129;20261306' }))).toEqual([
      [1, 'NGAY_TAI_KHAM', 'BAD_DATE'],
    ]);
    expect(found('XML3', x3(3, { MA_GIUONG: 'H012;T101' }))).toEqual([]);
    expect(found('XML3', x3(3, { MA_GIUONG: 'H012;X101' }))).toEqual([[4, 'MA_GIUONG', 'PATTERN']]);
  });

  it('checks MA_KHOA against the department catalogue when one is given', () => {
    const known = new Set(['K01', 'K03']);
    const options = { isKnownDepartment: (code: string) => known.has(code) };
    expect(found('XML1', [sampleXml1()], options)).toEqual([]);
    expect(found('XML1', x1({ MA_KHOA: 'K01;K77' }), options)).toEqual([
      [1, 'MA_KHOA', 'UNKNOWN_DEPARTMENT'],
    ]);
    expect(found('XML3', x3(2, { MA_KHOA: 'K99' }), options)).toEqual([[3, 'MA_KHOA', 'UNKNOWN_DEPARTMENT']]);
  });

  it('reports characters XML cannot carry and unknown keys', () => {
    expect(found('XML1', x1({ GHI_CHU: 'bad \u0007 bell' }))).toEqual([[1, 'GHI_CHU', 'INVALID_CHARACTER']]);
    expect(found('XML1', [{ ...sampleXml1(), NGAY_TH_YLL: 'x' }])).toEqual([
      [1, 'NGAY_TH_YLL', 'UNKNOWN_FIELD'],
    ]);
  });
});

describe('checkRows: rules across fields', () => {
  it('LY_DO_VNT is required when NGAY_VAO_NOI_TRU is set (XML1 and the 4750 check-in)', () => {
    expect(found('XML1', x1({ LY_DO_VNT: '' }))).toEqual([[1, 'LY_DO_VNT', 'CONDITIONAL_REQUIRED']]);
    expect(found('XML1', x1({ LY_DO_VNT: '', NGAY_VAO_NOI_TRU: '' }))).toEqual([]);
    expect(found('XML0', [{ ...sampleCheckIn(), NGAY_VAO_NOI_TRU: '202611180930' }])).toEqual([
      [1, 'LY_DO_VNT', 'CONDITIONAL_REQUIRED'],
    ]);
    expect(only(checkRows(def('XML1'), x1({ LY_DO_VNT: '' }))).reason).toBe(
      'LY_DO_VNT is empty although NGAY_VAO_NOI_TRU is 202611180930 (spec §1.5 portal rule: the reason for admission is required when an admission time is given)',
    );
  });

  it('NGAY_VAO_NOI_TRU ≥ NGAY_VAO and NGAY_RA ≥ NGAY_VAO', () => {
    expect(found('XML1', x1({ NGAY_VAO_NOI_TRU: '202611180800' }))).toEqual([
      [1, 'NGAY_VAO_NOI_TRU', 'TIME_ORDER'],
    ]);
    expect(found('XML1', x1({ NGAY_VAO_NOI_TRU: '202611180815' }))).toEqual([]);
    expect(found('XML1', x1({ NGAY_RA: '202611170000' }))).toEqual([[1, 'NGAY_RA', 'TIME_ORDER']]);
  });

  it('NGAY_TH_YL ≥ NGAY_YL (XML2, XML3) and NGAY_KQ ≥ NGAY_YL (XML3), with the message of the rule', () => {
    const error = only(
      checkRows(
        def('XML3'),
        x3(1, { NGAY_YL: '202611181000', NGAY_TH_YL: '202611180900', NGAY_KQ: '202611181100' }),
      ),
    );
    expect(error).toEqual({
      table: 'XML3',
      row: 2,
      field: 'NGAY_TH_YL',
      code: 'TIME_ORDER',
      reason:
        'NGAY_TH_YL 202611180900 is before NGAY_YL 202611181000 (spec §1.5 portal rule: execution cannot precede the order)',
    });
    expect(found('XML3', x3(1, { NGAY_KQ: '202611180830' }))).toEqual([[2, 'NGAY_KQ', 'TIME_ORDER']]);
    expect(found('XML2', x2({ NGAY_TH_YL: '202611180929' }))).toEqual([[1, 'NGAY_TH_YL', 'TIME_ORDER']]);
    // An invalid time is reported once, as a format error, not again as an order error.
    expect(found('XML2', x2({ NGAY_TH_YL: '2026111809' }))).toEqual([[1, 'NGAY_TH_YL', 'BAD_DATETIME']]);
  });

  it('XML4: NGAY_KQ is required when GIA_TRI is set', () => {
    const rows = sampleXml4();
    rows[0] = { ...rows[0], NGAY_KQ: '' };
    expect(found('XML4', rows)).toEqual([[1, 'NGAY_KQ', 'CONDITIONAL_REQUIRED']]);
    rows[1] = { ...rows[1], NGAY_KQ: '' };
    expect(found('XML4', rows)).toEqual([[1, 'NGAY_KQ', 'CONDITIONAL_REQUIRED']]);
  });

  it('XML2: TT_THAU required except for blood groups 7 and 17', () => {
    expect(found('XML2', x2({ TT_THAU: '' }))).toEqual([[1, 'TT_THAU', 'CONDITIONAL_REQUIRED']]);
    expect(found('XML2', x2({ TT_THAU: '', MA_NHOM: '7' }))).toEqual([]);
    expect(found('XML2', x2({ TT_THAU: '', MA_NHOM: '17' }))).toEqual([]);
  });

  it('XML3: TT_THAU for group 10, MA_XANG_DAU for 12, performer and execution time for 1/2/3/8/18', () => {
    expect(found('XML3', x3(4, { TT_THAU: '' }))).toEqual([[5, 'TT_THAU', 'CONDITIONAL_REQUIRED']]);
    expect(found('XML3', x3(0, { MA_NHOM: '12' }))).toEqual([[1, 'MA_XANG_DAU', 'CONDITIONAL_REQUIRED']]);
    expect(found('XML3', x3(0, { MA_NHOM: '12', MA_XANG_DAU: 'XD.RON95' }))).toEqual([]);
    for (const group of ['1', '2', '3', '8', '18']) {
      expect(found('XML3', x3(0, { MA_NHOM: group, NGAY_TH_YL: '' }))).toEqual([
        [1, 'NGUOI_THUC_HIEN', 'CONDITIONAL_REQUIRED'],
        [1, 'NGAY_TH_YL', 'CONDITIONAL_REQUIRED'],
      ]);
    }
    expect(found('XML3', x3(0, { NGAY_TH_YL: '' }))).toEqual([]);
    expect(found('XML3', x3(1, { NGUOI_THUC_HIEN: '' }))).toEqual([
      [2, 'NGUOI_THUC_HIEN', 'CONDITIONAL_REQUIRED'],
    ]);
  });

  it('XML3: a line names a service or a supply', () => {
    expect(found('XML3', x3(4, { MA_VAT_TU: '' }))).toEqual([[5, 'MA_DICH_VU', 'CONDITIONAL_REQUIRED']]);
  });

  it('check-in: exactly one first cost item, with its name', () => {
    const base = sampleCheckIn();
    expect(found('XML0', [{ ...base, MA_DICH_VU: '', TEN_DICH_VU: '' }])).toEqual([
      [1, 'MA_DICH_VU', 'CONDITIONAL_REQUIRED'],
    ]);
    expect(
      found('XML0', [
        { ...base, MA_DICH_VU: '', TEN_DICH_VU: '', MA_THUOC: '40.151', TEN_THUOC: 'Augmentin 1g' },
      ]),
    ).toEqual([]);
    expect(found('XML0', [{ ...base, MA_THUOC: '40.151', TEN_THUOC: 'Augmentin 1g' }])).toEqual([
      [1, 'MA_THUOC', 'ONLY_ONE_ALLOWED'],
    ]);
    expect(found('XML0', [{ ...base, TEN_DICH_VU: '' }])).toEqual([
      [1, 'TEN_DICH_VU', 'CONDITIONAL_REQUIRED'],
    ]);
  });

  it('XML1: one card period per card', () => {
    expect(found('XML1', x1({ MA_THE_BHYT: 'GD4797920123456;HT3797920654321' }))).toEqual([
      [1, 'GT_THE_TU', 'ITEM_COUNT_MISMATCH'],
      [1, 'GT_THE_DEN', 'ITEM_COUNT_MISMATCH'],
    ]);
  });
});

describe('checkRows: the table', () => {
  it('reports a wrong record count at row 0', () => {
    expect(found('XML1', [])).toEqual([[0, '', 'ROW_COUNT']]);
    expect(found('XML1', [sampleXml1(), sampleXml1()])).toContainEqual([0, '', 'ROW_COUNT']);
    expect(found('XML2', [])).toEqual([[0, '', 'ROW_COUNT']]);
  });

  it('reports STT out of sequence and a second MA_LK', () => {
    const rows = sampleXml2();
    rows[1] = { ...rows[1], STT: '5' };
    rows[2] = { ...rows[2], MA_LK: 'OTHER' };
    expect(found('XML2', rows)).toEqual([
      [2, 'STT', 'STT_SEQUENCE'],
      [3, 'MA_LK', 'MA_LK_MISMATCH'],
    ]);
  });
});

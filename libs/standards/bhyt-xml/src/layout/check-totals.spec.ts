import { computeInsuranceShare } from '@hosp/standards-bhyt';
import { sampleXml1, sampleXml2, sampleXml3 } from '../xml/sample-claim';
import { checkTotals } from './check-totals';

describe('checkTotals: XML1 = Σ XML2 + XML3 (spec §1.12)', () => {
  it('finds nothing when the totals match the lines', () => {
    expect(checkTotals(sampleXml1(), sampleXml2(), sampleXml3())).toEqual([]);
  });

  it('agrees with the money rules of @hosp/standards-bhyt for the sample lines', () => {
    for (const line of [...sampleXml2(), ...sampleXml3()]) {
      const share = computeInsuranceShare({
        quantity: line['SO_LUONG']!,
        unitPriceHospital: (line['DON_GIA'] ?? line['DON_GIA_BV'])!,
        unitPriceInsurance: line['DON_GIA_BH'],
        servicePaymentRatio: line['TYLE_TT_DV'] === undefined ? undefined : Number(line['TYLE_TT_DV']),
        insurancePaymentRatio: Number(line['TYLE_TT_BH']),
        coveragePercent: line['MUC_HUONG']!,
      });
      if (!share.ok) throw new Error(share.reason);
      expect([share.hospitalAmount, share.insurerPays, share.patientCoPay]).toEqual([
        line['THANH_TIEN_BV'],
        line['T_BHTT'],
        line['T_BNCCT'],
      ]);
    }
  });

  it('compares exactly: 150000 equals 150000.00, and 0.1 + 0.2 is 0.3', () => {
    const xml1 = { ...sampleXml1(), T_THUOC: '176004.50' };
    expect(checkTotals(xml1, sampleXml2(), sampleXml3())).toEqual([]);
    const tenths = [
      {
        THANH_TIEN_BV: '0.1',
        THANH_TIEN_BH: '0',
        T_BNTT: '0.1',
        T_BNCCT: '0',
        T_NGUONKHAC: '0',
        T_BHTT: '0',
        MA_PTTT: '1',
      },
      {
        THANH_TIEN_BV: '0.2',
        THANH_TIEN_BH: '0',
        T_BNTT: '0.2',
        T_BNCCT: '0',
        T_NGUONKHAC: '0',
        T_BHTT: '0',
        MA_PTTT: '1',
      },
    ];
    const totals = {
      T_THUOC: '0.3',
      T_VTYT: '0',
      T_TONGCHI_BV: '0.3',
      T_TONGCHI_BH: '0',
      T_BNTT: '0.3',
      T_BNCCT: '0',
      T_BHTT: '0',
      T_NGUONKHAC: '0',
      T_BHTT_GDV: '0',
    };
    expect(checkTotals(totals, tenths, [])).toEqual([]);
  });

  it('reports each total that differs, with both values and the rule', () => {
    const xml1 = { ...sampleXml1(), T_THUOC: '176004', T_VTYT: '0', T_BHTT: '953923.5' };
    expect(checkTotals(xml1, sampleXml2(), sampleXml3())).toEqual([
      {
        table: 'XML1',
        row: 1,
        field: 'T_THUOC',
        code: 'TOTAL_MISMATCH',
        reason: 'T_THUOC is 176004 but Σ THANH_TIEN_BV of XML2 is 176004.5 (spec §1.12 XML1 totals)',
      },
      expect.objectContaining({
        field: 'T_VTYT',
        code: 'TOTAL_MISMATCH',
        reason: expect.stringContaining('is 8500'),
      }),
      expect.objectContaining({
        field: 'T_BHTT',
        code: 'TOTAL_MISMATCH',
        reason: expect.stringContaining('T_TONGCHI_BH − T_BNCCT'),
      }),
    ]);
  });

  it('counts only fee-for-service lines in T_BHTT_GDV', () => {
    const xml3 = sampleXml3();
    xml3[3] = { ...xml3[3], MA_PTTT: '3' };
    const errors = checkTotals(sampleXml1(), sampleXml2(), xml3);
    expect(errors).toEqual([
      expect.objectContaining({ field: 'T_BHTT_GDV', reason: expect.stringContaining('is 267843.6') }),
    ]);
  });

  it('does not compare totals whose inputs are unreadable, and says which', () => {
    const xml2 = sampleXml2();
    xml2[1] = { ...xml2[1], THANH_TIEN_BV: '2103.005' };
    const errors = checkTotals(sampleXml1(), xml2, sampleXml3());
    expect(errors).toEqual([
      {
        table: 'XML1',
        row: 0,
        field: '',
        code: 'TOTALS_UNCHECKED',
        reason: expect.stringContaining('XML2 row 2 THANH_TIEN_BV'),
      },
    ]);
  });
});

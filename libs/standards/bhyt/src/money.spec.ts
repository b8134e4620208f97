import {
  computeInsuranceShare,
  sumEpisodeAmounts,
  type InsuranceShare,
  type InsuranceShareInput,
} from './money';

function share(input: InsuranceShareInput): InsuranceShare {
  const r = computeInsuranceShare(input);
  if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
  return r;
}

/** THANH_TIEN_BV = T_BHTT + T_BNCCT + T_BNTT + T_NGUONKHAC, in hundredths of a dong. */
function expectBalanced(r: InsuranceShare): void {
  const c = (s: string) => Math.round(Number(s) * 100);
  expect(c(r.insurerPays) + c(r.patientCoPay) + c(r.patientOutOfPocket) + c(r.otherSourcesAmount)).toBe(
    c(r.hospitalAmount),
  );
}

describe('computeInsuranceShare', () => {
  it('QĐ 130 worked example: 10,000,000 drug, donor 3,000,000 for the facility, 50% ratio, 80% benefit', () => {
    const r = share({
      quantity: 1,
      unitPriceHospital: 10_000_000,
      insurancePaymentRatio: 50,
      coveragePercent: 80,
      otherSources: { vttn: 3_000_000 },
      otherSourcesSupport: 'facility',
    });
    expect(r).toEqual({
      ok: true,
      hospitalAmount: '10000000',
      insuranceEligibleAmount: '3500000',
      otherSourcesAmount: '3000000',
      insurerPays: '2800000',
      patientCoPay: '700000',
      patientOutOfPocket: '3500000',
      provisional: { insurerPays: '2800000', patientCoPay: '700000', patientOutOfPocket: '3500000' },
    });
    expectBalanced(r);
  });

  it('splits a plain drug line (XML2: one DON_GIA)', () => {
    expect(share({ quantity: 2, unitPriceHospital: '15000.5', coveragePercent: 80 })).toMatchObject({
      hospitalAmount: '30001',
      insuranceEligibleAmount: '30001',
      insurerPays: '24000.8',
      patientCoPay: '6000.2',
      patientOutOfPocket: '0',
      otherSourcesAmount: '0',
    });
  });

  it('applies TYLE_TT_DV and the two prices of XML3 (second exam at 30%)', () => {
    const r = share({
      quantity: 1,
      unitPriceHospital: 200_000,
      unitPriceInsurance: 150_000,
      servicePaymentRatio: 30,
      coveragePercent: 80,
    });
    expect(r).toMatchObject({
      hospitalAmount: '60000',
      insuranceEligibleAmount: '45000',
      insurerPays: '36000',
      patientCoPay: '9000',
      patientOutOfPocket: '15000',
    });
    expectBalanced(r);
  });

  it('handles shared-bed quantities and out-of-scope lines', () => {
    expect(
      share({ quantity: 0.33, unitPriceHospital: 250_000, servicePaymentRatio: 33, coveragePercent: 95 }),
    ).toMatchObject({
      hospitalAmount: '27225',
      insuranceEligibleAmount: '27225',
      insurerPays: '25863.75',
      patientCoPay: '1361.25',
    });
    expect(
      share({ quantity: 3, unitPriceHospital: 12_000, insurancePaymentRatio: 0, coveragePercent: 80 }),
    ).toMatchObject({
      hospitalAmount: '36000',
      insuranceEligibleAmount: '0',
      insurerPays: '0',
      patientCoPay: '0',
      patientOutOfPocket: '36000',
    });
  });

  it('rounds each amount once to 2 decimals, half-up, without float error', () => {
    // 1.005 × 1: Math.round(1.005 * 100) / 100 gives 1 in binary floating point; the exact value rounds to 1.01.
    expect(share({ quantity: 1, unitPriceHospital: '1.005', coveragePercent: 100 }).hospitalAmount).toBe(
      '1.01',
    );
    expect(share({ quantity: '0.333', unitPriceHospital: '10.005', coveragePercent: 80 })).toMatchObject({
      hospitalAmount: '3.33', // 3.331665
      insurerPays: '2.66', // 3.33 × 0.8 = 2.664
      patientCoPay: '0.67',
    });
    expect(share({ quantity: 3, unitPriceHospital: '333.333', coveragePercent: 80 }).hospitalAmount).toBe(
      '1000',
    );
    expect(share({ quantity: 1, unitPriceHospital: '0.125', coveragePercent: 50 })).toMatchObject({
      hospitalAmount: '0.13',
      insurerPays: '0.07', // 0.065 -> 0.07
      patientCoPay: '0.06',
    });
  });

  it('computes a fractional MUC_HUONG exactly (47.5)', () => {
    expect(share({ quantity: 1, unitPriceHospital: 1000, coveragePercent: 47.5 })).toMatchObject({
      insurerPays: '475',
      patientCoPay: '525',
    });
    expect(share({ quantity: 1, unitPriceHospital: '333.33', coveragePercent: '47.5' })).toMatchObject({
      insurerPays: '158.33',
      patientCoPay: '175',
    });
  });

  describe('other sources for this patient (case a): T_BNTT, then T_BNCCT, then T_BHTT', () => {
    // BV 1,000,000; BH 800,000; BHTT* 640,000; BNCCT* 160,000; BNTT* 200,000
    const line = {
      quantity: 1,
      unitPriceHospital: 1_000_000,
      insurancePaymentRatio: 80,
      coveragePercent: 80,
    };

    it.each([
      [{ cl: 150_000 }, '640000', '160000', '50000', '150000'],
      [{ nsnn: 100_000, cl: '100000' }, '640000', '160000', '0', '200000'],
      [{ vtnn: 300_000 }, '640000', '60000', '0', '300000'],
      [{ vttn: 360_000 }, '640000', '0', '0', '360000'],
      [{ nsnn: 500_000 }, '500000', '0', '0', '500000'],
      [{ nsnn: 1_000_000 }, '0', '0', '0', '1000000'],
    ])('%o', (otherSources, bhtt, bncct, bntt, nguonKhac) => {
      const r = share({ ...line, otherSources });
      expect(r).toMatchObject({
        hospitalAmount: '1000000',
        insuranceEligibleAmount: '800000',
        insurerPays: bhtt,
        patientCoPay: bncct,
        patientOutOfPocket: bntt,
        otherSourcesAmount: nguonKhac,
        provisional: { insurerPays: '640000', patientCoPay: '160000', patientOutOfPocket: '200000' },
      });
      expectBalanced(r);
    });

    it('refuses other sources above the hospital amount', () => {
      expect(computeInsuranceShare({ ...line, otherSources: { nsnn: '1000000.01' } })).toMatchObject({
        ok: false,
        code: 'OTHER_SOURCES_EXCEED_AMOUNT',
      });
      expect(
        computeInsuranceShare({
          ...line,
          otherSources: { nsnn: 2_000_000 },
          otherSourcesSupport: 'facility',
        }),
      ).toMatchObject({ ok: false, code: 'OTHER_SOURCES_EXCEED_AMOUNT' });
    });
  });

  it('ARV drugs: T_NGUONKHAC = T_BNCCT* and T_BNCCT = 0', () => {
    const r = share({ quantity: 30, unitPriceHospital: '15000', coveragePercent: 80, arv: true });
    expect(r).toMatchObject({
      hospitalAmount: '450000',
      insurerPays: '360000',
      patientCoPay: '0',
      otherSourcesAmount: '90000',
      patientOutOfPocket: '0',
    });
    expectBalanced(r);
    expect(
      computeInsuranceShare({
        quantity: 1,
        unitPriceHospital: 1,
        coveragePercent: 80,
        arv: true,
        otherSources: { cl: 1 },
      }),
    ).toMatchObject({ ok: false, code: 'UNSUPPORTED_COMBINATION' });
  });

  it('keeps every line balanced over many inputs', () => {
    for (const quantity of ['1', '0.5', '0.33', '2.125', '7']) {
      for (const price of ['1', '999.999', '12345.678', '250000']) {
        for (const bh of [0, 30, 50, 100]) {
          for (const muc of ['32', '47.5', '80', '95', '100']) {
            for (const nsnn of [undefined, '0.01', '100', '5000']) {
              const r = computeInsuranceShare({
                quantity,
                unitPriceHospital: price,
                insurancePaymentRatio: bh,
                coveragePercent: muc,
                otherSources: nsnn === undefined ? undefined : { nsnn },
              });
              if (!r.ok) {
                expect(r.code).toBe('OTHER_SOURCES_EXCEED_AMOUNT');
                continue;
              }
              expectBalanced(r);
              for (const v of [r.insurerPays, r.patientCoPay, r.patientOutOfPocket, r.otherSourcesAmount]) {
                expect(v).toMatch(/^\d+(\.\d{1,2})?$/);
              }
            }
          }
        }
      }
    }
  });

  describe('bad input', () => {
    const ok: InsuranceShareInput = { quantity: 1, unitPriceHospital: 1000, coveragePercent: 80 };
    it.each<[Partial<InsuranceShareInput>, string]>([
      [{ quantity: 0.1 + 0.2 }, 'INVALID_QUANTITY'],
      [{ quantity: '1.0001' }, 'INVALID_QUANTITY'],
      [{ quantity: '1e3' }, 'INVALID_QUANTITY'],
      [{ quantity: -1 }, 'INVALID_QUANTITY'],
      [{ quantity: Number.POSITIVE_INFINITY }, 'INVALID_QUANTITY'],
      [{ unitPriceHospital: '12,5' }, 'INVALID_PRICE'],
      [{ unitPriceHospital: -5 }, 'INVALID_PRICE'],
      [{ unitPriceInsurance: 'x' }, 'INVALID_PRICE'],
      [{ servicePaymentRatio: 101 }, 'INVALID_RATIO'],
      [{ insurancePaymentRatio: 33.3 }, 'INVALID_RATIO'],
      [{ insurancePaymentRatio: -1 }, 'INVALID_RATIO'],
      [{ coveragePercent: 101 }, 'INVALID_COVERAGE'],
      [{ coveragePercent: '47.55' }, 'INVALID_COVERAGE'],
      [{ otherSources: { nsnn: '1.234' } }, 'INVALID_AMOUNT'],
      [{ unitPriceInsurance: 1001 }, 'INSURANCE_EXCEEDS_HOSPITAL'],
      [{ unitPriceInsurance: 900, otherSourcesSupport: 'facility' }, 'UNSUPPORTED_COMBINATION'],
    ])('%o -> %s', (over, code) => {
      const r = computeInsuranceShare({ ...ok, ...over });
      expect(r).toMatchObject({ ok: false, code });
      expect(!r.ok && r.reason.length).toBeGreaterThan(10);
    });
  });
});

describe('sumEpisodeAmounts (XML1 totals)', () => {
  it('sums the lines and sets T_BHTT = T_TONGCHI_BH − T_BNCCT', () => {
    const drug = share({ quantity: 2, unitPriceHospital: '15000.5', coveragePercent: 80 });
    const exam = share({
      quantity: 1,
      unitPriceHospital: 200_000,
      unitPriceInsurance: 150_000,
      servicePaymentRatio: 30,
      coveragePercent: 80,
    });
    expect(sumEpisodeAmounts([drug, exam])).toEqual({
      hospitalTotal: '90001',
      insuranceEligibleTotal: '75001',
      patientOutOfPocket: '15000',
      patientCoPay: '15000.2',
      otherSources: '0',
      insurerPays: '60000.8',
      insurerPaysLineSum: '60000.8',
    });
  });

  it('shows when patient-level other sources reached T_BHTT', () => {
    const line = share({
      quantity: 1,
      unitPriceHospital: 1_000_000,
      insurancePaymentRatio: 80,
      coveragePercent: 80,
      otherSources: { nsnn: 500_000 },
    });
    expect(sumEpisodeAmounts([line])).toMatchObject({ insurerPays: '800000', insurerPaysLineSum: '500000' });
  });

  it('is all zero for no lines', () => {
    expect(sumEpisodeAmounts([])).toMatchObject({ hospitalTotal: '0', insurerPays: '0' });
  });
});

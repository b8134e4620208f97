import { readEnvelope } from '@hosp/standards-bhyt-xml';
import type { ChargeFact, DischargeFact, EpisodeFacts, PatientFacts } from '../../episodes/domain/episode';
import type { CatalogEntry } from '../../catalog/domain/catalog-entry';
import { assembleClaim, type ClaimsFacility, examPaymentRatio } from './assemble';
import { buildClaim } from './build-claim';
import { crossTableProblems } from './checks';
import { birthDateTime, calendarDaysBetween, xmlDateTime } from './formats';

const FACILITY: ClaimsFacility = {
  code: '79001',
  profile: { system: 'technical-level', level: 'basic' },
  baseSalary: '2340000',
  signerHealthId: '7900100001',
};

const PATIENT: PatientFacts = {
  patientId: 'p1',
  patientCode: 'BN001',
  fullName: 'Nguyễn Thị Hoà',
  birthDate: '1985-03-12',
  sex: 'female',
  citizenId: '079185000123',
  address: { line: '12 Lê Lợi', provinceCode: '79', districtCode: '760', communeCode: '26734' },
  ethnicityCode: '01',
  nationalityCode: '704',
  occupationCode: '',
};

const T0 = new Date('2026-11-20T01:00:00Z'); // 08:00 in Vietnam

function charge(over: Partial<ChargeFact>, i: number): ChargeFact {
  return {
    chargeId: `c${i}`,
    itemType: 'exam',
    itemCode: 'KB01',
    itemName: 'Khám Nội',
    quantity: '1',
    unitPriceHospital: '34500',
    unitPriceInsurance: '34500',
    coveragePercent: '80',
    amountHospital: '34500',
    amountInsurance: '34500',
    insurerPays: '27600',
    patientCopay: '6900',
    patientPays: '0',
    sourceId: '',
    departmentCode: 'K01',
    cardNumber: 'DN4790000000001',
    bedCode: '',
    orderedBy: 'CCHN-1',
    orderedAt: null,
    postedAt: new Date(T0.getTime() + i * 60_000),
    reversed: false,
    ...over,
  };
}

function episode(charges: ChargeFact[], over: Partial<EpisodeFacts> = {}): EpisodeFacts {
  return {
    encounterId: 'e1',
    patientId: 'p1',
    episodeKey: 'e1',
    encounterClass: 'outpatient',
    visitType: '01',
    departmentCode: 'K01',
    startedAt: T0,
    closedAt: new Date(T0.getTime() + 3 * 3_600_000),
    coverages: [
      {
        cardNumber: 'DN4790000000001',
        benefitLevel: 4,
        coveragePercent: '80',
        route: 'correct',
        validFrom: '2026-01-01',
        validTo: '2026-12-31',
        registrationFacility: '79001',
        effectiveAt: T0,
      },
    ],
    transfers: [],
    charges,
    orders: [],
    drugs: [],
    results: [],
    reports: [],
    discharge: {
      outcome: '1',
      dischargeType: '1',
      mainDiagnosis: 'J06.9',
      secondaryDiagnoses: [],
      departmentCode: 'K01',
      at: new Date(T0.getTime() + 2 * 3_600_000),
    },
    ...over,
  };
}

const CATALOG = new Map<string, CatalogEntry>([
  ['KB01', { code: 'KB01', kind: 'service', group: 13, scope: 1 }],
  ['CT', { code: 'CT', kind: 'service', group: 2, scope: 1 }],
]);

describe('formats (QĐ 130 §1.5)', () => {
  it('writes Vietnam wall-clock time, yyyymmddHHMM', () => {
    expect(xmlDateTime(new Date('2017-03-31T08:20:00Z'))).toBe('201703311520');
    expect(xmlDateTime(new Date('2026-12-31T17:30:00Z'))).toBe('202701010030');
  });
  it('writes partial birth dates with zero day/month and time', () => {
    expect(birthDateTime('1985-03-12')).toBe('198503120000');
    expect(birthDateTime('1962')).toBe('196200000000');
  });
  it('counts calendar days in Vietnam time', () => {
    expect(calendarDaysBetween(new Date('2026-11-20T16:30:00Z'), new Date('2026-11-20T17:30:00Z'))).toBe(1);
  });
});

describe('assembleClaim', () => {
  it('pays exams 100/30/30/30/10/0 in order (§1.12 TYLE_TT_DV)', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(examPaymentRatio)).toEqual([100, 30, 30, 30, 10, 0, 0]);
    const a = assembleClaim(
      episode([charge({}, 0), charge({ chargeId: 'c2' }, 1)]),
      PATIENT,
      FACILITY,
      CATALOG,
    );
    expect(a.tables.XML3.map((r) => [r['TYLE_TT_DV'], r['THANH_TIEN_BV'], r['THANH_TIEN_BH']])).toEqual([
      ['100', '34500', '34500'],
      ['30', '10350', '10350'],
    ]);
  });

  it('applies the 15% small-cost rule to the whole episode: MUC_HUONG 100 under 351,000 VND', () => {
    const a = assembleClaim(episode([charge({}, 0)]), PATIENT, FACILITY, CATALOG);
    expect(a.tables.XML3[0]).toMatchObject({ MUC_HUONG: '100', T_BHTT: '34500', T_BNCCT: '0' });
    expect(a.problems).toEqual([]);
  });

  it('keeps the card level above the threshold, and the XML1 totals equal the line sums', () => {
    const ct = charge(
      {
        itemType: 'imaging',
        itemCode: 'CT',
        itemName: 'CT sọ não',
        unitPriceHospital: '500000',
        unitPriceInsurance: '480000',
      },
      1,
    );
    const a = assembleClaim(episode([charge({}, 0), ct]), PATIENT, FACILITY, CATALOG);
    expect(a.tables.XML3.map((r) => r['MUC_HUONG'])).toEqual(['80', '80']);
    expect(a.tables.XML1[0]).toMatchObject({
      T_TONGCHI_BV: '534500',
      T_TONGCHI_BH: '514500',
      T_BHTT: '411600',
      T_BNCCT: '102900',
      T_BNTT: '20000',
      MA_DOITUONG_KCB: '1.1',
      NGAY_SINH: '198503120000',
      GIOI_TINH: '2',
      MA_NGHE_NGHIEP: '00000',
    });
    expect(crossTableProblems(a.tables).filter((p) => p.code === 'TOTAL_MISMATCH')).toEqual([]);
  });

  it('locates what cannot be claimed', () => {
    const unknown = charge({ itemCode: 'XYZ', itemName: 'Không có trong danh mục' }, 1);
    const unpriced = charge({ itemType: 'imaging', itemCode: 'CT', unitPriceInsurance: '' }, 2);
    const a = assembleClaim(
      episode([charge({}, 0), unknown, unpriced], { discharge: null }),
      PATIENT,
      FACILITY,
      CATALOG,
    );
    expect(a.problems.map((p) => [p.table, p.row, p.field, p.code])).toEqual([
      ['XML3', 2, 'MA_DICH_VU', 'NOT_IN_CATALOGUE'],
      ['XML3', 3, 'DON_GIA_BH', 'NO_INSURANCE_PRICE'],
      ['XML1', 1, 'MA_BENH_CHINH', 'MISSING_DIAGNOSIS'],
    ]);
  });

  it('refuses the correct route on a card registered elsewhere without a referral', () => {
    const e = episode([charge({}, 0)]);
    const a = assembleClaim(
      { ...e, coverages: [{ ...e.coverages[0]!, registrationFacility: '01001' }] },
      PATIENT,
      FACILITY,
      CATALOG,
    );
    expect(a.problems).toContainEqual(
      expect.objectContaining({ table: 'XML1', field: 'MA_NOI_DI', code: 'WRONG_ROUTE' }),
    );
  });

  it('leaves reversed lines out', () => {
    const a = assembleClaim(
      episode([charge({}, 0), charge({ reversed: true }, 1)]),
      PATIENT,
      FACILITY,
      CATALOG,
    );
    expect(a.tables.XML3).toHaveLength(1);
  });
});

describe('the papers written at discharge (QĐ 4750 XML13, XML14; spec §1.7 rows 32, 37, 39, 62; §1.11)', () => {
  const DISCHARGED_AT = new Date(T0.getTime() + 2 * 3_600_000); // 10:00 in Vietnam
  const REFERRAL = {
    toFacility: '79002',
    reasonCode: '1',
    letterNumber: 'CT-2026/0042',
    clinicalSigns: 'Sốt 39°C, khó thở',
    treatmentDirection: 'Tiếp tục kháng sinh',
    transport: 'Xe cứu thương',
    escortName: 'Lê Thị Mai',
    escortTitle: 'Điều dưỡng',
  };
  const discharged = (over: Partial<DischargeFact>, e: Partial<EpisodeFacts> = {}) =>
    episode([charge({}, 0)], {
      ...e,
      discharge: {
        outcome: '3',
        dischargeType: '1',
        mainDiagnosis: 'J18.9',
        secondaryDiagnoses: ['I10'],
        departmentCode: 'K01',
        at: DISCHARGED_AT,
        dischargedBy: 'bs-tran',
        ...over,
      },
    });
  /** Signs nothing: the test reads the envelope, not the signature. */
  const unsigned = (xml: string) => ({ ok: true as const, xml });
  const envelopeTables = (e: EpisodeFacts) => {
    const built = buildClaim(e, PATIENT, FACILITY, CATALOG, unsigned, T0);
    expect(built.problems).toEqual([]);
    const envelope = readEnvelope(built.envelopeXml!);
    if (!envelope.ok) throw new Error(envelope.reason);
    return envelope.files.map((f) => f.table);
  };

  it('writes the referral letter and the appointment, and fills XML1 from them', () => {
    const e = discharged({
      dischargeType: '2',
      referral: REFERRAL,
      followUpDate: '2026-12-04',
      treatmentSummary: 'Kháng sinh 5 ngày, thở oxy',
    });
    const a = assembleClaim(
      {
        ...e,
        results: [
          {
            resultId: 'r1',
            orderId: 'o1',
            testCode: '718-7',
            testName: 'Hemoglobin',
            serviceCode: 'XN',
            value: '128',
            unit: 'g/L',
            observedAt: null,
            releasedAt: T0,
            validatedBy: 'CCHN-0046',
            corrected: false,
          },
        ],
        reports: [
          {
            reportId: 'rp1',
            orderId: 'o2',
            findings: 'Đám mờ thuỳ dưới phổi phải',
            impression: 'Viêm phổi thuỳ dưới phải',
            radiologistId: 'CCHN-0047',
            signedAt: T0,
          },
        ],
      },
      PATIENT,
      FACILITY,
      CATALOG,
    );
    expect(a.problems).toEqual([]);
    expect(a.tables.XML1[0]).toMatchObject({
      MA_NOI_DEN: '79002',
      GIAY_CHUYEN_TUYEN: 'CT-2026/0042',
      NGAY_TAI_KHAM: '20261204',
      PP_DIEU_TRI: 'Kháng sinh 5 ngày, thở oxy',
      MA_LOAI_RV: '2',
    });
    expect(a.tables.XML13).toEqual([
      {
        MA_LK: 'e1',
        SO_HOSO: 'e1',
        SO_CHUYENTUYEN: 'CT-2026/0042',
        GIAY_CHUYEN_TUYEN: 'CT-2026/0042',
        MA_CSKCB: '79001',
        MA_NOI_DI: '79001',
        MA_NOI_DEN: '79002',
        HO_TEN: 'Nguyễn Thị Hoà',
        NGAY_SINH: '198503120000',
        GIOI_TINH: '2',
        MA_QUOCTICH: '704',
        MA_DANTOC: '01',
        MA_NGHE_NGHIEP: '00000',
        DIA_CHI: '12 Lê Lợi',
        MA_THE_BHYT: 'DN4790000000001',
        GT_THE_DEN: '20261231',
        NGAY_VAO: '202611200800',
        NGAY_VAO_NOI_TRU: '',
        NGAY_RA: '202611201000',
        DAU_HIEU_LS: 'Sốt 39°C, khó thở',
        CHAN_DOAN_RV: 'J18.9;I10',
        TOMTAT_KQ: 'Hemoglobin: 128 g/L; Viêm phổi thuỳ dưới phải',
        PP_DIEUTRI: 'Kháng sinh 5 ngày, thở oxy',
        MA_BENH_CHINH: 'J18.9',
        MA_BENH_KT: 'I10',
        PP_DIEU_TRI: 'Kháng sinh 5 ngày, thở oxy',
        MA_LOAI_RV: '2',
        MA_LYDO_CT: '1',
        HUONG_DIEU_TRI: 'Tiếp tục kháng sinh',
        PHUONGTIEN_VC: 'Xe cứu thương',
        HOTEN_NGUOI_HT: 'Lê Thị Mai',
        CHUCDANH_NGUOI_HT: 'Điều dưỡng',
        MA_BAC_SI: 'bs-tran',
        MA_TTDV: '7900100001',
      },
    ]);
    expect(a.tables.XML14).toEqual([
      {
        MA_LK: 'e1',
        SO_GIAYHEN_KL: 'e1',
        MA_CSKCB: '79001',
        HO_TEN: 'Nguyễn Thị Hoà',
        NGAY_SINH: '198503120000',
        GIOI_TINH: '2',
        DIA_CHI: '12 Lê Lợi',
        MA_THE_BHYT: 'DN4790000000001',
        GT_THE_DEN: '20261231',
        NGAY_VAO: '202611200800',
        NGAY_VAO_NOI_TRU: '',
        NGAY_RA: '202611201000',
        NGAY_HEN_KL: '20261204',
        CHAN_DOAN_RV: 'J18.9;I10',
        MA_BENH_CHINH: 'J18.9',
        MA_BENH_KT: 'I10',
        MA_DOITUONG_KCB: '1.1',
        MA_BAC_SI: 'bs-tran',
        MA_TTDV: '7900100001',
        NGAY_CT: '20261120',
      },
    ]);
  });

  it('sends both papers after the other tables, in the envelope order, and the layout accepts them', () => {
    expect(
      envelopeTables(discharged({ dischargeType: '5', referral: REFERRAL, followUpDate: '2026-12-04' })),
    ).toEqual(['XML1', 'XML3', 'XML13', 'XML14']);
    expect(
      envelopeTables(
        discharged(
          { dischargeType: '2', referral: { toFacility: '01001', reasonCode: '2' } },
          { encounterClass: 'inpatient', visitType: '03' },
        ),
      ),
    ).toEqual(['XML1', 'XML3', 'XML7', 'XML8', 'XML13']);
  });

  it('names the appointment in XML1 GIAY_CHUYEN_TUYEN when there is no referral', () => {
    const a = assembleClaim(discharged({ followUpDate: '2026-11-27' }), PATIENT, FACILITY, CATALOG);
    expect(a.tables.XML1[0]).toMatchObject({
      MA_NOI_DEN: '',
      GIAY_CHUYEN_TUYEN: 'e1',
      NGAY_TAI_KHAM: '20261127',
      PP_DIEU_TRI: '',
    });
    expect(a.tables.XML13).toEqual([]);
    expect(a.tables.XML14).toHaveLength(1);
    expect(envelopeTables(discharged({ followUpDate: '2026-11-27' }))).toEqual(['XML1', 'XML3', 'XML14']);
  });

  it('writes neither paper for a discharge home without an appointment', () => {
    const a = assembleClaim(discharged({}), PATIENT, FACILITY, CATALOG);
    expect(a.tables.XML1[0]).toMatchObject({ MA_NOI_DEN: '', GIAY_CHUYEN_TUYEN: '', NGAY_TAI_KHAM: '' });
    expect([a.tables.XML13, a.tables.XML14]).toEqual([[], []]);
  });

  it('ends a referral out of an outpatient treatment at the referral time, not at 23:59 (§1.7 row 36)', () => {
    const home = assembleClaim(discharged({}, { visitType: '02' }), PATIENT, FACILITY, CATALOG);
    expect(home.tables.XML1[0]!['NGAY_RA']).toBe('202611202359');
    const referred = assembleClaim(
      discharged({ dischargeType: '2', referral: REFERRAL }, { visitType: '02' }),
      PATIENT,
      FACILITY,
      CATALOG,
    );
    expect(referred.tables.XML1[0]!['NGAY_RA']).toBe('202611201000');
    expect(referred.tables.XML13[0]!['NGAY_RA']).toBe('202611201000');
  });
});

describe('crossTableProblems', () => {
  it('finds a service date outside the card, a bad ICD-10 code and totals that do not add up', () => {
    const a = assembleClaim(episode([charge({}, 0)]), PATIENT, FACILITY, CATALOG);
    const x1 = { ...a.tables.XML1[0]!, GT_THE_DEN: '20261101', MA_BENH_KT: 'I10;XX', T_TONGCHI_BV: '1' };
    const problems = crossTableProblems({ ...a.tables, XML1: [x1] });
    expect(problems.map((p) => [p.table, p.row, p.field, p.code])).toEqual([
      ['XML3', 1, 'NGAY_YL', 'CARD_EXPIRED'],
      ['XML1', 1, 'MA_BENH_KT', 'ICD10_FORMAT'],
      ['XML1', 1, 'T_TONGCHI_BV', 'TOTAL_MISMATCH'],
    ]);
  });
});

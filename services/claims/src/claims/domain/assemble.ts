import {
  computeInsuranceShare,
  coverageRate,
  type FacilityProfile,
  formatUnits,
  type InsuranceShare,
  parseDecimal,
  sumEpisodeAmounts,
} from '@hosp/standards-bhyt';
import type { ChargeFact, CoveragePeriod, EpisodeFacts, PatientFacts } from '../../episodes/domain/episode';
import type { CatalogEntry } from '../../catalog/domain/catalog-entry';
import {
  birthDateTime,
  calendarDaysBetween,
  isoToXmlDate,
  vietnamDay,
  xmlDate,
  xmlDateTime,
} from './formats';
import type { ClaimProblem } from './problem';

/** The facility the claims are made for (see shared/application/facility.ts for the settings). */
export interface ClaimsFacility {
  /** MA_CSKCB, 5 characters. */
  readonly code: string;
  /** The technical level that decides off-route benefit (NĐ 188/2025 Art. 35). */
  readonly profile: FacilityProfile;
  /** Mức lương cơ sở in force, VND: the 15% small-cost rule compares the episode with it (§1.12 MUC_HUONG). */
  readonly baseSalary: string;
  /** MA_TTDV: 10-digit BHXH/health id of the head of the facility or the authorised signer (§1.7 row 64). */
  readonly signerHealthId: string;
}

export type Row = Record<string, string>;

export interface AssembledTables {
  readonly XML1: Row[];
  readonly XML2: Row[];
  readonly XML3: Row[];
  readonly XML4: Row[];
  readonly XML7: Row[];
  readonly XML8: Row[];
  readonly XML13: Row[];
  readonly XML14: Row[];
}

export interface AssembledClaim {
  readonly tables: AssembledTables;
  /** Rule violations found while assembling (route, coverage, missing data), located like the layout checks. */
  readonly problems: ClaimProblem[];
  readonly totals: {
    readonly hospital: string;
    readonly insurance: string;
    readonly insurerPays: string;
    readonly patientCopay: string;
    readonly patientPays: string;
    readonly otherSources: string;
  };
  /** 'YYYY-MM' of the settlement (NAM_QT, THANG_QT). */
  readonly settlementMonth: string;
}

/**
 * Cost groups (MA_NHOM, QĐ 5937/2021 App. 3 as listed in the spec §1.12; the spec marks the list [I/S]) for
 * each kind of ledger line when the claims catalogue does not set one: 13 examination, 1 laboratory, 2 imaging,
 * 18 procedures, 4 drugs in the list, 10 supplies in the list; bed-days by the kind of stay (15 inpatient, 14
 * day treatment, 16 stay at a polyclinic).
 */
function defaultGroup(c: ChargeFact, e: EpisodeFacts): number {
  switch (c.itemType) {
    case 'exam':
      return 13;
    case 'lab':
      return 1;
    case 'imaging':
      return 2;
    case 'procedure':
      return 18;
    case 'drug':
      return 4;
    case 'supply':
      return 10;
    case 'bed-day':
      return e.encounterClass === 'day-treatment' ? 14 : e.encounterClass === 'inpatient' ? 15 : 16;
  }
}

/** Groups whose lines need a performer and an execution time (portal rule, spec §1.5). */
const PERFORMER_GROUPS = new Set([1, 2, 3, 8, 18]);

/**
 * TYLE_TT_DV of examinations (§1.12): in one visit the 1st exam is paid 100%, the 2nd to 4th 30%, the 5th 10%,
 * and from the 6th nothing.
 */
export function examPaymentRatio(index: number): number {
  if (index === 0) return 100;
  if (index <= 3) return 30;
  if (index === 4) return 10;
  return 0;
}

/**
 * MA_DOITUONG_KCB (§1.12, QĐ 3276/2025 App. 1 as the spec summarises it): 1.1 at the card's initial-
 * registration facility, 1.3 referred, 2 emergency, 3.1 self-referred. The full 27-row list needs the QĐ 3276
 * text (spec §7); the cases the events can tell apart are these.
 */
function visitCategory(period: CoveragePeriod, facility: ClaimsFacility): string {
  if (period.route === 'emergency') return '2';
  if (period.route === 'off-route') return '3.1';
  return period.registrationFacility === facility.code ? '1.1' : '1.3';
}

const CARE_OF_CLASS = { outpatient: 'outpatient', emergency: 'outpatient' } as const;

interface PricedLine {
  readonly charge: ChargeFact;
  readonly period: CoveragePeriod | null;
  readonly group: number;
  readonly inScope: boolean;
  readonly servicePaymentRatio: number;
  readonly insuranceRatio: number;
  readonly catalog: CatalogEntry | undefined;
}

/**
 * Builds the QĐ 130 tables of one finished episode from its facts (XML1 summary, XML2 drugs, XML3 services
 * and supplies, XML4 paraclinical results, for inpatient/day episodes XML7 discharge paper and XML8 record
 * summary, and the QĐ 4750 papers HIS wrote at discharge: XML13 referral letter, XML14 re-exam appointment).
 * The money is computed here, not copied from HIS: the 15% small-cost rule and the exam ratios depend on the
 * whole episode, which HIS cannot know while it posts lines (HIS defers the rule; see its encounters
 * service). Nothing here throws on bad data: what cannot be claimed is reported as a located problem, and the
 * layout checks run afterwards on the rows.
 */
export function assembleClaim(
  e: EpisodeFacts,
  patient: PatientFacts,
  facility: ClaimsFacility,
  catalog: ReadonlyMap<string, CatalogEntry>,
): AssembledClaim {
  const problems: ClaimProblem[] = [];
  const problem = (table: string, row: number, field: string, code: string, reason: string) =>
    problems.push({ table, row, field, code, reason });
  const lines = e.charges.filter((c) => !c.reversed).sort((a, b) => +a.postedAt - +b.postedAt);
  const periods = [...e.coverages].sort((a, b) => +a.effectiveAt - +b.effectiveAt);
  const periodOf = (c: ChargeFact): CoveragePeriod | null =>
    periods.find((p) => c.cardNumber && p.cardNumber === c.cardNumber) ??
    [...periods].reverse().find((p) => +p.effectiveAt <= +c.postedAt) ??
    periods[0] ??
    null;
  const end = e.discharge?.at ?? e.closedAt ?? lines.at(-1)?.postedAt ?? e.startedAt;
  const care = CARE_OF_CLASS[e.encounterClass as keyof typeof CARE_OF_CLASS] ?? 'inpatient';

  // 1. Scope, ratios and groups per line.
  let examIndex = 0;
  const priced: PricedLine[] = lines.map((c) => {
    const entry = catalog.get(c.itemCode);
    const group = entry?.group ?? defaultGroup(c, e);
    const period = periodOf(c);
    const hasInsurancePrice = c.unitPriceInsurance !== '' && Number(c.unitPriceInsurance) > 0;
    const inScope = period !== null && (entry?.scope ? entry.scope !== 2 : hasInsurancePrice);
    const servicePaymentRatio = c.itemType === 'exam' ? examPaymentRatio(examIndex++) : 100;
    return {
      charge: c,
      period,
      group,
      inScope,
      servicePaymentRatio,
      insuranceRatio: inScope ? (entry?.insuranceRatio ?? 100) : 0,
      catalog: entry,
    };
  });

  // 2. The episode's in-scope cost decides the small-cost rule, so compute THANH_TIEN_BH first (it does not
  //    depend on MUC_HUONG), then the benefit of each card period.
  const share = (l: PricedLine, coveragePercent: string): InsuranceShare | null => {
    const r = computeInsuranceShare({
      quantity: l.charge.quantity,
      unitPriceHospital: l.charge.unitPriceHospital,
      // XML2 has a single DON_GIA (§1.8), so a drug line is priced on it; XML3 has both prices (§1.9).
      unitPriceInsurance:
        l.inScope && l.charge.itemType !== 'drug'
          ? l.charge.unitPriceInsurance || '0'
          : l.charge.unitPriceHospital,
      servicePaymentRatio: l.servicePaymentRatio,
      insurancePaymentRatio: l.insuranceRatio,
      coveragePercent,
    });
    return r.ok ? r : null;
  };
  let inScopeCost = 0n;
  for (const l of priced) {
    const s = share(l, '0');
    if (s) inScopeCost += parseUnits(s.insuranceEligibleAmount);
  }
  const benefit = new Map<CoveragePeriod, { percent: string; category: string }>();
  periods.forEach((p) => {
    const r = coverageRate(p.benefitLevel, {
      onDate: vietnamDay(p.effectiveAt),
      care,
      route: p.route,
      facility: facility.profile,
      smallCostRule: 'apply',
      episodeInScopeCost: formatAmount(inScopeCost),
      baseSalary: facility.baseSalary,
    });
    if (!r.ok) {
      problem('XML1', 1, 'MUC_HUONG', `COVERAGE_${r.code}`, `card ${p.cardNumber}: ${r.reason}`);
      benefit.set(p, { percent: '0', category: visitCategory(p, facility) });
      return;
    }
    if (r.mucHuong === 0 && inScopeCost > 0n)
      problem(
        'XML1',
        1,
        'MA_DOITUONG_KCB',
        'WRONG_ROUTE_NOT_COVERED',
        `card ${p.cardNumber}: ${care} care on route "${p.route}" at this facility gives MUC_HUONG 0 ` +
          `(${r.explanation}); the visit cannot be claimed from the BHYT fund`,
      );
    if (p.route === 'correct' && p.registrationFacility !== facility.code)
      problem(
        'XML1',
        1,
        'MA_NOI_DI',
        'WRONG_ROUTE',
        `card ${p.cardNumber} is registered at ${p.registrationFacility}, not at ${facility.code}, and the ` +
          `visit is claimed on the correct route without a referral (MA_NOI_DI / GIAY_CHUYEN_TUYEN, spec ` +
          `§2.3): record the referral, or the visit is off-route`,
      );
    benefit.set(p, { percent: r.mucHuongText, category: visitCategory(p, facility) });
  });

  // 3. Lines.
  const xml2: Row[] = [];
  const xml3: Row[] = [];
  const shares: InsuranceShare[] = [];
  const drugsByCode = new Map(e.drugs.map((d) => [`${d.prescriptionId}:${d.drugCode}`, d]));
  const ordersById = new Map(e.orders.map((o) => [o.orderId, o]));
  for (const l of priced) {
    const c = l.charge;
    const muc = l.period && l.inScope ? (benefit.get(l.period)?.percent ?? '0') : '0';
    const s = share(l, muc);
    const table = c.itemType === 'drug' ? 'XML2' : 'XML3';
    const rowNo = (table === 'XML2' ? xml2.length : xml3.length) + 1;
    if (!s) {
      problem(
        table,
        rowNo,
        'THANH_TIEN_BV',
        'LINE_AMOUNT',
        `line ${c.itemCode}: amounts cannot be computed from quantity ${c.quantity} and price ${c.unitPriceHospital}`,
      );
      continue;
    }
    if (l.inScope && !(Number(c.unitPriceInsurance) > 0))
      problem(
        table,
        rowNo,
        table === 'XML2' ? 'DON_GIA' : 'DON_GIA_BH',
        'NO_INSURANCE_PRICE',
        `${c.itemCode} "${c.itemName}" is in the BHYT scope (claims catalogue) but the line has no BHYT price`,
      );
    if (
      table === 'XML2' &&
      l.inScope &&
      c.unitPriceInsurance &&
      Number(c.unitPriceInsurance) !== Number(c.unitPriceHospital)
    )
      problem(
        'XML2',
        rowNo,
        'DON_GIA',
        'DRUG_PRICE_MISMATCH',
        `${c.itemCode} "${c.itemName}" has hospital price ${c.unitPriceHospital} and BHYT price ` +
          `${c.unitPriceInsurance}; XML2 has one DON_GIA, the purchase price (§1.8): fix the drug catalogue`,
      );
    if (!(Number(c.unitPriceHospital) > 0))
      problem(
        table,
        rowNo,
        table === 'XML2' ? 'DON_GIA' : 'DON_GIA_BV',
        'NO_PRICE',
        `${c.itemCode} "${c.itemName}" has no price`,
      );
    if (!l.catalog)
      problem(
        table,
        rowNo,
        table === 'XML2' ? 'MA_THUOC' : 'MA_DICH_VU',
        'NOT_IN_CATALOGUE',
        `${c.itemCode} "${c.itemName}" is not in the facility's BHYT catalogue held by claims`,
      );
    shares.push(s);
    const order = ordersById.get(c.sourceId);
    const orderedAt = c.orderedAt ?? order?.orderedAt ?? c.postedAt;
    const money = {
      T_NGUONKHAC_NSNN: '0',
      T_NGUONKHAC_VTNN: '0',
      T_NGUONKHAC_VTTN: '0',
      T_NGUONKHAC_CL: '0',
      T_NGUONKHAC: s.otherSourcesAmount,
      T_BNTT: s.patientOutOfPocket,
      T_BNCCT: s.patientCoPay,
      T_BHTT: s.insurerPays,
    };
    const scope = String(l.catalog?.scope ?? (l.inScope ? 1 : 2));
    if (table === 'XML2') {
      const drug = drugsByCode.get(`${c.sourceId}:${c.itemCode}`);
      xml2.push({
        MA_LK: e.episodeKey,
        STT: String(rowNo),
        MA_THUOC: l.catalog?.ingredientCode ?? c.itemCode,
        MA_NHOM: String(l.group),
        TEN_THUOC: c.itemName,
        DON_VI_TINH: drug?.unit ?? l.catalog?.unit ?? '',
        HAM_LUONG: drug?.strength ?? '',
        DUONG_DUNG: l.catalog?.routeCode ?? '',
        DANG_BAO_CHE: l.catalog?.dosageForm ?? '',
        LIEU_DUNG: drug?.dosage ?? '',
        CACH_DUNG: drug?.instructions ?? '',
        SO_DANG_KY: l.catalog?.registrationNumber ?? '',
        TT_THAU: l.catalog?.tender ?? '',
        PHAM_VI: scope,
        TYLE_TT_BH: String(l.insuranceRatio),
        SO_LUONG: c.quantity,
        DON_GIA: c.unitPriceHospital,
        THANH_TIEN_BV: s.hospitalAmount,
        THANH_TIEN_BH: s.insuranceEligibleAmount,
        ...money,
        MUC_HUONG: muc,
        MA_KHOA: c.departmentCode || e.departmentCode,
        MA_BAC_SI: drug?.prescriberId ?? c.orderedBy,
        NGAY_YL: xmlDateTime(orderedAt),
        NGAY_TH_YL: xmlDateTime(c.postedAt < orderedAt ? orderedAt : c.postedAt),
        MA_PTTT: '1',
        NGUON_CTRA: '1',
      });
    } else {
      const results = e.results.filter((r) => r.orderId === c.sourceId);
      const reports = e.reports.filter((r) => r.orderId === c.sourceId);
      const performedAt = earliest([
        ...results.map((r) => r.observedAt ?? r.releasedAt),
        ...reports.map((r) => r.signedAt),
      ]);
      const resultAt = latest([...results.map((r) => r.releasedAt), ...reports.map((r) => r.signedAt)]);
      const performer =
        reports.map((r) => r.radiologistId).find(Boolean) ??
        results.map((r) => r.validatedBy).find(Boolean) ??
        (c.itemType === 'procedure' ? c.orderedBy : '');
      const executedAt =
        performedAt ?? (c.itemType === 'lab' || c.itemType === 'imaging' ? null : c.postedAt);
      xml3.push({
        MA_LK: e.episodeKey,
        STT: String(rowNo),
        MA_DICH_VU: c.itemType === 'supply' ? '' : (l.catalog?.bhytCode ?? c.itemCode),
        MA_VAT_TU: c.itemType === 'supply' ? (l.catalog?.bhytCode ?? c.itemCode) : '',
        MA_NHOM: String(l.group),
        TEN_VAT_TU: c.itemType === 'supply' ? c.itemName : '',
        TEN_DICH_VU: c.itemType === 'supply' ? '' : c.itemName,
        DON_VI_TINH: l.catalog?.unit ?? (c.itemType === 'bed-day' ? 'Ngày' : 'Lần'),
        PHAM_VI: scope,
        SO_LUONG: c.quantity,
        DON_GIA_BV: c.unitPriceHospital,
        DON_GIA_BH: l.inScope ? c.unitPriceInsurance || '0' : '0',
        TT_THAU: c.itemType === 'supply' ? (l.catalog?.tender ?? '') : '',
        TYLE_TT_DV: String(l.servicePaymentRatio),
        TYLE_TT_BH: String(l.insuranceRatio),
        THANH_TIEN_BV: s.hospitalAmount,
        THANH_TIEN_BH: s.insuranceEligibleAmount,
        MUC_HUONG: muc,
        ...money,
        MA_KHOA: c.departmentCode || order?.performingDepartment || e.departmentCode,
        MA_GIUONG: c.itemType === 'bed-day' ? c.bedCode : '',
        MA_BAC_SI: order?.orderingProviderId || c.orderedBy,
        NGUOI_THUC_HIEN: PERFORMER_GROUPS.has(l.group) ? performer : '',
        NGAY_YL: xmlDateTime(orderedAt),
        NGAY_TH_YL: executedAt ? xmlDateTime(executedAt) : '',
        NGAY_KQ: resultAt ? xmlDateTime(resultAt) : '',
        MA_PTTT: '1',
      });
    }
  }

  // 4. Paraclinical results (XML4): one row per reported index or per signed report.
  const xml4: Row[] = [];
  const orderCode = (orderId: string) => ordersById.get(orderId)?.serviceCode ?? '';
  const latestResults = new Map<string, (typeof e.results)[number]>();
  for (const r of [...e.results].sort((a, b) => +a.releasedAt - +b.releasedAt))
    latestResults.set(`${r.orderId}:${r.testCode}`, r);
  for (const r of latestResults.values())
    xml4.push({
      MA_LK: e.episodeKey,
      STT: String(xml4.length + 1),
      MA_DICH_VU: r.serviceCode || orderCode(r.orderId),
      MA_CHI_SO: r.testCode,
      TEN_CHI_SO: r.testName,
      GIA_TRI: r.value,
      DON_VI_DO: r.unit,
      NGAY_KQ: xmlDateTime(r.releasedAt),
      MA_BS_DOC_KQ: r.validatedBy,
    });
  for (const r of e.reports)
    xml4.push({
      MA_LK: e.episodeKey,
      STT: String(xml4.length + 1),
      MA_DICH_VU: orderCode(r.orderId),
      MO_TA: r.findings,
      KET_LUAN: r.impression,
      NGAY_KQ: xmlDateTime(r.signedAt),
      MA_BS_DOC_KQ: r.radiologistId,
    });

  // 5. Summary (XML1).
  const t = sumEpisodeAmounts(shares);
  const sum = (rows: Row[], field: string, pick: (r: Row) => boolean = () => true) =>
    formatAmount(rows.filter(pick).reduce((a, r) => a + parseUnits(r[field] ?? '0'), 0n));
  const cards = distinct(periods.map((p) => p.cardNumber));
  const periodOfCard = (card: string) => periods.find((p) => p.cardNumber === card)!;
  const firstPeriod = periods[0];
  const d = e.discharge;
  if (!d?.mainDiagnosis)
    problem(
      'XML1',
      1,
      'MA_BENH_CHINH',
      'MISSING_DIAGNOSIS',
      'the episode has no main diagnosis (ICD-10): HIS must record it at discharge',
    );
  const departments = distinct(
    [
      e.departmentCode,
      ...e.transfers.map((tr) => tr.toDepartment),
      ...(d?.departmentCode ? [d.departmentCode] : []),
    ].filter(Boolean),
  );
  const inpatientLike = e.encounterClass === 'inpatient' || e.encounterClass === 'day-treatment';
  const days = ['01', '07', '09'].includes(e.visitType)
    ? 0
    : ['02', '03', '04', '06'].includes(e.visitType)
      ? calendarDaysBetween(e.startedAt, end) + 1
      : 0;
  // NGAY_RA (§1.7 row 36): the last day + "2359" for visit types 02/05/07, but a referral out ends at the time
  // of the referral.
  const referredOut = d?.referral !== undefined || ['2', '5'].includes(d?.dischargeType ?? '');
  const endText =
    ['02', '05', '07'].includes(e.visitType) && !referredOut ? `${xmlDate(end)}2359` : xmlDateTime(end);
  // The re-exam appointment's number (SO_GIAYHEN_KL, String 50): HIS numbers no appointment paper, and the
  // episode has one appointment at most, so the episode key (a UUID, 36 characters) names it.
  const appointmentNumber = d?.followUpDate ? e.episodeKey.slice(0, 50) : '';
  const settlement = e.closedAt ?? end;
  const settlementDay = vietnamDay(settlement);
  const xml1 = {
    MA_LK: e.episodeKey,
    STT: '1',
    MA_BN: patient.patientCode,
    HO_TEN: patient.fullName,
    SO_CCCD: patient.citizenId,
    NGAY_SINH: birthDateTime(patient.birthDate),
    GIOI_TINH: patient.sex === 'male' ? '1' : patient.sex === 'female' ? '2' : '3',
    MA_QUOCTICH: patient.nationalityCode,
    MA_DANTOC: patient.ethnicityCode,
    MA_NGHE_NGHIEP: patient.occupationCode || '00000',
    DIA_CHI: patient.address.line,
    MATINH_CU_TRU: patient.address.provinceCode,
    MAHUYEN_CU_TRU: patient.address.districtCode,
    MAXA_CU_TRU: patient.address.communeCode,
    MA_THE_BHYT: cards.join(';'),
    MA_DKBD: cards.map((c) => periodOfCard(c).registrationFacility).join(';'),
    GT_THE_TU: cards.map((c) => isoToXmlDate(periodOfCard(c).validFrom)).join(';') || xmlDate(e.startedAt),
    GT_THE_DEN: cards.map((c) => isoToXmlDate(periodOfCard(c).validTo)).join(';') || xmlDate(end),
    LY_DO_VNT: inpatientLike && d?.mainDiagnosis ? `Điều trị ${d.mainDiagnosis}` : '',
    CHAN_DOAN_VAO: d?.mainDiagnosis ?? '',
    CHAN_DOAN_RV: d ? [d.mainDiagnosis, ...d.secondaryDiagnoses].filter(Boolean).join(';') : '',
    MA_BENH_CHINH: d?.mainDiagnosis ?? '',
    MA_BENH_KT: (d?.secondaryDiagnoses ?? []).join(';'),
    MA_DOITUONG_KCB: firstPeriod ? (benefit.get(periods.at(-1)!)?.category ?? '') : '9',
    // §1.7 rows 32 and 37: the facility the patient is referred to, and the referral letter's number or, for
    // a patient sent home with an appointment, the appointment's.
    MA_NOI_DEN: d?.referral?.toFacility ?? '',
    NGAY_VAO: xmlDateTime(e.startedAt),
    NGAY_VAO_NOI_TRU: inpatientLike ? xmlDateTime(e.startedAt) : '',
    NGAY_RA: endText,
    GIAY_CHUYEN_TUYEN: d?.referral?.letterNumber ?? appointmentNumber,
    SO_NGAY_DTRI: String(days),
    PP_DIEU_TRI: d?.treatmentSummary ?? '',
    KET_QUA_DTRI: d?.outcome ?? '',
    MA_LOAI_RV: d?.dischargeType ?? '',
    NGAY_TTOAN: e.closedAt ? xmlDateTime(e.closedAt) : '',
    T_THUOC: sum(xml2, 'THANH_TIEN_BV'),
    T_VTYT: sum(xml3, 'THANH_TIEN_BV', (r) => r['MA_VAT_TU'] !== ''),
    T_TONGCHI_BV: t.hospitalTotal,
    T_TONGCHI_BH: t.insuranceEligibleTotal,
    T_BNTT: t.patientOutOfPocket,
    T_BNCCT: t.patientCoPay,
    T_BHTT: t.insurerPays,
    T_NGUONKHAC: t.otherSources,
    T_BHTT_GDV: sum([...xml2, ...xml3], 'T_BHTT', (r) => r['MA_PTTT'] === '1'),
    NAM_QT: settlementDay.slice(0, 4),
    THANG_QT: String(Number(settlementDay.slice(5, 7))),
    MA_LOAI_KCB: e.visitType,
    MA_KHOA: departments.join(';'),
    MA_CSKCB: facility.code,
    // §1.7 row 62 (yyyymmdd, §1.5).
    NGAY_TAI_KHAM: d?.followUpDate ? isoToXmlDate(d.followUpDate) : '',
    MA_HSBA: e.encounterId.slice(0, 100),
    MA_TTDV: facility.signerHealthId,
  } satisfies Row;

  // 6. Discharge paper and record summary for inpatient and day episodes (XML7, XML8).
  const xml7: Row[] = [];
  const xml8: Row[] = [];
  if (inpatientLike && d) {
    xml7.push({
      MA_LK: e.episodeKey,
      SO_LUU_TRU: e.encounterId,
      MA_YTE: patient.patientCode,
      MA_KHOA_RV: d.departmentCode || departments.at(-1) || '',
      NGAY_VAO: xmlDateTime(e.startedAt),
      NGAY_RA: xmlDateTime(d.at),
      CHAN_DOAN_RV: xml1.CHAN_DOAN_RV,
      MA_TTDV: facility.signerHealthId,
      NGAY_CT: xmlDate(d.at),
    });
    xml8.push({
      MA_LK: e.episodeKey,
      MA_LOAI_KCB: e.visitType,
      NGAY_VAO: xmlDateTime(e.startedAt),
      NGAY_RA: xmlDateTime(d.at),
      CHAN_DOAN_VAO: xml1.CHAN_DOAN_VAO,
      CHAN_DOAN_RV: xml1.CHAN_DOAN_RV,
      KET_QUA_DTRI: d.outcome,
      MA_TTDV: facility.signerHealthId,
      NGAY_CT: xmlDate(d.at),
    });
  }

  // 7. The papers written at discharge (QĐ 4750, §1.1 and §1.11): the referral letter when the patient was
  //    referred out (XML13) and the re-exam appointment when one was given (XML14), one row each. Both repeat
  //    the patient, card, time and diagnosis facts of XML1, so they cannot disagree with it.
  const xml13: Row[] = [];
  const xml14: Row[] = [];
  const cardsOnly = {
    MA_THE_BHYT: xml1.MA_THE_BHYT,
    // XML1 falls back to the discharge day for a visit without a card (§1.7 row 19); these papers have no card.
    GT_THE_DEN: cards.map((c) => isoToXmlDate(periodOfCard(c).validTo)).join(';'),
  };
  const r = d?.referral;
  if (d && r)
    xml13.push({
      MA_LK: e.episodeKey,
      SO_HOSO: xml1.MA_HSBA.slice(0, 50),
      SO_CHUYENTUYEN: r.letterNumber ?? '',
      GIAY_CHUYEN_TUYEN: r.letterNumber ?? '',
      MA_CSKCB: facility.code,
      // The letter is written here: this facility refers the patient.
      MA_NOI_DI: facility.code,
      MA_NOI_DEN: r.toFacility,
      HO_TEN: xml1.HO_TEN,
      NGAY_SINH: xml1.NGAY_SINH,
      GIOI_TINH: xml1.GIOI_TINH,
      MA_QUOCTICH: xml1.MA_QUOCTICH,
      MA_DANTOC: xml1.MA_DANTOC,
      MA_NGHE_NGHIEP: xml1.MA_NGHE_NGHIEP,
      DIA_CHI: xml1.DIA_CHI,
      ...cardsOnly,
      NGAY_VAO: xml1.NGAY_VAO,
      NGAY_VAO_NOI_TRU: xml1.NGAY_VAO_NOI_TRU,
      NGAY_RA: xml1.NGAY_RA,
      DAU_HIEU_LS: r.clinicalSigns ?? '',
      CHAN_DOAN_RV: xml1.CHAN_DOAN_RV,
      TOMTAT_KQ: resultSummary(e),
      // The spec lists both PP_DIEUTRI and PP_DIEU_TRI in XML13 without telling them apart (§1.11): both carry
      // the treatment given, as XML1 PP_DIEU_TRI does.
      PP_DIEUTRI: xml1.PP_DIEU_TRI,
      MA_BENH_CHINH: xml1.MA_BENH_CHINH,
      MA_BENH_KT: xml1.MA_BENH_KT,
      PP_DIEU_TRI: xml1.PP_DIEU_TRI,
      MA_LOAI_RV: d.dischargeType,
      MA_LYDO_CT: r.reasonCode,
      HUONG_DIEU_TRI: r.treatmentDirection ?? '',
      PHUONGTIEN_VC: r.transport ?? '',
      HOTEN_NGUOI_HT: r.escortName ?? '',
      CHUCDANH_NGUOI_HT: r.escortTitle ?? '',
      MA_BAC_SI: d.dischargedBy ?? '',
      MA_TTDV: facility.signerHealthId,
    });
  if (d?.followUpDate)
    xml14.push({
      MA_LK: e.episodeKey,
      SO_GIAYHEN_KL: appointmentNumber,
      MA_CSKCB: facility.code,
      HO_TEN: xml1.HO_TEN,
      NGAY_SINH: xml1.NGAY_SINH,
      GIOI_TINH: xml1.GIOI_TINH,
      DIA_CHI: xml1.DIA_CHI,
      ...cardsOnly,
      NGAY_VAO: xml1.NGAY_VAO,
      NGAY_VAO_NOI_TRU: xml1.NGAY_VAO_NOI_TRU,
      NGAY_RA: xml1.NGAY_RA,
      // An appointment for a day: the layout takes yyyymmdd or yyyymmddHHMM here.
      NGAY_HEN_KL: xml1.NGAY_TAI_KHAM,
      CHAN_DOAN_RV: xml1.CHAN_DOAN_RV,
      MA_BENH_CHINH: xml1.MA_BENH_CHINH,
      MA_BENH_KT: xml1.MA_BENH_KT,
      MA_DOITUONG_KCB: xml1.MA_DOITUONG_KCB,
      MA_BAC_SI: d.dischargedBy ?? '',
      MA_TTDV: facility.signerHealthId,
      // The paper is dated the day it was written, at discharge (NGAY_CT, yyyymmdd, §1.5).
      NGAY_CT: xmlDate(d.at),
    });

  return {
    tables: {
      XML1: [xml1],
      XML2: xml2,
      XML3: xml3,
      XML4: xml4,
      XML7: xml7,
      XML8: xml8,
      XML13: xml13,
      XML14: xml14,
    },
    problems,
    totals: {
      hospital: t.hospitalTotal,
      insurance: t.insuranceEligibleTotal,
      insurerPays: t.insurerPays,
      patientCopay: t.patientCoPay,
      patientPays: t.patientOutOfPocket,
      otherSources: t.otherSources,
    },
    settlementMonth: settlementDay.slice(0, 7),
  };
}

/**
 * TOMTAT_KQ of the referral letter: the paraclinical results the receiving facility should see, from the same
 * facts as XML4 (the latest value of each index, then the imaging conclusions), "name: value unit" joined by "; ".
 */
function resultSummary(e: EpisodeFacts): string {
  const latestByTest = new Map<string, (typeof e.results)[number]>();
  for (const r of [...e.results].sort((a, b) => +a.releasedAt - +b.releasedAt))
    latestByTest.set(`${r.orderId}:${r.testCode}`, r);
  return [
    ...[...latestByTest.values()].map(
      (r) => `${r.testName || r.testCode}: ${r.value}${r.unit ? ` ${r.unit}` : ''}`,
    ),
    ...e.reports.map((r) => r.impression).filter(Boolean),
  ].join('; ');
}

function parseUnits(amount: string): bigint {
  const p = parseDecimal(amount, 2, 'amount', { allowNegative: true });
  return p.ok ? p.units : 0n;
}

function formatAmount(units: bigint): string {
  return formatUnits(units, 2);
}

function distinct<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function earliest(ds: Date[]): Date | null {
  return ds.length ? new Date(Math.min(...ds.map(Number))) : null;
}

function latest(ds: Date[]): Date | null {
  return ds.length ? new Date(Math.max(...ds.map(Number))) : null;
}

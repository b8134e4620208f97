import type { CatalogEntry } from '../../services/claims/src/catalog/domain/catalog-entry';
import type {
  ChargeFact,
  ChargeItemType,
  CoveragePeriod,
  EpisodeFacts,
  PatientFacts,
  ResultFact,
} from '../../services/claims/src/episodes/domain/episode';

/**
 * A synthetic but realistic day of a category-I hospital, as facts the claims service would have folded from
 * the events: outpatient visits (an exam, 2-5 lab tests, sometimes an X-ray or CT, 1-4 drugs, each with its
 * result) and inpatient stays (4-10 bed-days over one or two departments, 8-20 lab tests, 3-8 drugs, imaging;
 * one stay in five changes card midway). Seeded, so every run builds the same day.
 */
export function makeDay(outpatient: number, inpatient: number, today: Date) {
  let seed = 20261122;
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const between = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));

  const labs = Array.from({ length: 40 }, (_, i) => ({
    code: `XN${String(i).padStart(3, '0')}`,
    price: 20_000 + i * 3_000,
  }));
  const imaging = [
    { code: 'XQ-NGUC', price: 65_000 },
    { code: 'CT-SO', price: 522_000 },
    { code: 'SA-BUNG', price: 43_900 },
  ];
  const drugs = Array.from({ length: 60 }, (_, i) => ({
    code: `TH${String(i).padStart(3, '0')}`,
    price: 500 + i * 250,
  }));
  const catalog: CatalogEntry[] = [
    { code: 'KB01', kind: 'service', group: 13, scope: 1, bhytCode: '02.1896' },
    { code: 'GIUONG-NOI', kind: 'service', group: 15, scope: 1, bhytCode: 'K02.1914' },
    ...labs.map((l) => ({
      code: l.code,
      kind: 'service' as const,
      group: 1,
      scope: 1 as const,
      bhytCode: `22.0${l.code.slice(2)}.1370`,
    })),
    ...imaging.map((l) => ({
      code: l.code,
      kind: 'service' as const,
      group: 2,
      scope: 1 as const,
      bhytCode: `18.0${l.code.length}.0010`,
    })),
    ...drugs.map((d) => ({
      code: d.code,
      kind: 'drug' as const,
      group: 4,
      scope: 1 as const,
      ingredientCode: `40.${d.code.slice(2)}`,
      tender: '123/QĐ-SYT;G1;N4;2026',
      registrationNumber: `VD-${d.code.slice(2)}-21`,
      routeCode: '1.01',
      dosageForm: 'Viên nén',
      unit: 'Viên',
    })),
  ];

  const day = today.toISOString().slice(0, 10);
  const year = Number(day.slice(0, 4));
  const start0 = new Date(`${day}T00:30:00Z`); // 07:30 in Vietnam
  const episodes: { facts: EpisodeFacts; patient: PatientFacts }[] = [];

  for (let i = 0; i < outpatient + inpatient; i++) {
    const stay = i >= outpatient;
    const id = `${stay ? 'NT' : 'NG'}${day.replaceAll('-', '')}${String(i).padStart(5, '0')}`;
    const days = stay ? between(4, 10) : 0;
    const startedAt = new Date(start0.getTime() - days * 86_400_000 + between(0, 9 * 60) * 60_000);
    const card = (n: number) =>
      `${pick(['DN', 'HT', 'GD', 'HN'])}${pick([2, 3, 4])}79${String(i * 10 + n).padStart(10, '0')}`;
    const cards = [card(1)];
    if (stay && rnd() < 0.2) cards.push(card(2));
    const coverages: CoveragePeriod[] = cards.map((c, k) => ({
      cardNumber: c,
      benefitLevel: Number(c[2]),
      coveragePercent: String({ 2: 100, 3: 95, 4: 80 }[Number(c[2]) as 2 | 3 | 4]),
      route: 'correct',
      validFrom: `${year}-01-01`,
      validTo: `${year}-12-31`,
      registrationFacility: '79001',
      effectiveAt: new Date(startedAt.getTime() + k * Math.max(1, days / 2) * 86_400_000),
    }));
    let t = startedAt.getTime();
    const charges: ChargeFact[] = [];
    const results: ResultFact[] = [];
    const orders: EpisodeFacts['orders'][number][] = [];
    const line = (
      type: ChargeItemType,
      code: string,
      name: string,
      price: number,
      quantity = '1',
      bed = '',
    ) => {
      t += between(2, 20) * 60_000;
      const at = new Date(t);
      const card = [...coverages].reverse().find((c) => +c.effectiveAt <= t) ?? coverages[0]!;
      const sourceId = type === 'lab' || type === 'imaging' ? `${id}-O${charges.length}` : '';
      charges.push({
        chargeId: `${id}-C${charges.length}`,
        itemType: type,
        itemCode: code,
        itemName: name,
        quantity,
        unitPriceHospital: String(price),
        unitPriceInsurance: String(price),
        coveragePercent: card.coveragePercent,
        amountHospital: String(price * Number(quantity)),
        amountInsurance: String(price * Number(quantity)),
        insurerPays: '0',
        patientCopay: '0',
        patientPays: '0',
        sourceId,
        departmentCode: 'K02',
        cardNumber: card.cardNumber,
        bedCode: bed,
        orderedBy: `CCHN-${between(1, 300)}`,
        orderedAt: at,
        postedAt: at,
        reversed: false,
      });
      if (sourceId) {
        orders.push({
          orderId: sourceId,
          category: type === 'lab' ? 'laboratory' : 'imaging',
          serviceCode: code,
          serviceName: name,
          orderingProviderId: `CCHN-${between(1, 300)}`,
          orderedAt: at,
          performingDepartment: type === 'lab' ? 'K46' : 'K47',
          cancelled: false,
        });
        results.push({
          resultId: `${sourceId}-R`,
          orderId: sourceId,
          testCode: `${between(1000, 9999)}-${between(0, 9)}`,
          testName: `Chỉ số ${code}`,
          serviceCode: code,
          value: String(between(1, 300)),
          unit: 'mmol/L',
          observedAt: new Date(t + 20 * 60_000),
          releasedAt: new Date(t + 40 * 60_000),
          validatedBy: `CCHN-${between(300, 400)}`,
          corrected: false,
        });
      }
    };
    line('exam', 'KB01', 'Khám Nội', 34_500);
    for (let k = 0, n = stay ? between(8, 20) : between(2, 5); k < n; k++) {
      const l = pick(labs);
      line('lab', l.code, `Xét nghiệm ${l.code}`, l.price);
    }
    if (stay || rnd() < 0.4) {
      const im = pick(imaging);
      line('imaging', im.code, `Chẩn đoán hình ảnh ${im.code}`, im.price);
    }
    for (let d = 0; d < days; d++)
      line(
        'bed-day',
        'GIUONG-NOI',
        'Ngày giường Nội khoa loại 1',
        180_000,
        '1',
        d < days / 2 ? 'H001' : 'H002',
      );
    for (let k = 0, n = stay ? between(3, 8) : between(1, 4); k < n; k++) {
      const d = pick(drugs);
      line('drug', d.code, `Thuốc ${d.code}`, d.price, String(between(5, 30)));
    }
    const end = new Date(Math.max(t + 30 * 60_000, start0.getTime() + 9 * 3_600_000));
    episodes.push({
      facts: {
        encounterId: id,
        patientId: `P${i}`,
        episodeKey: id,
        encounterClass: stay ? 'inpatient' : 'outpatient',
        visitType: stay ? '03' : '01',
        departmentCode: 'K02',
        startedAt,
        closedAt: new Date(end.getTime() + 60_000),
        coverages,
        transfers: stay
          ? [
              {
                fromDepartment: 'K02',
                toDepartment: 'K03',
                bedCode: 'H002',
                at: new Date(startedAt.getTime() + 86_400_000),
              },
            ]
          : [],
        charges,
        orders,
        drugs: [],
        results,
        reports: [],
        discharge: {
          outcome: '2',
          dischargeType: '1',
          mainDiagnosis: pick(['J06.9', 'I10', 'E11.9', 'K29.7', 'J18.9']),
          secondaryDiagnoses: stay ? ['I10'] : [],
          departmentCode: stay ? 'K03' : 'K02',
          at: end,
        },
      },
      patient: {
        patientId: `P${i}`,
        patientCode: `BN${String(i).padStart(8, '0')}`,
        fullName: pick(['Nguyễn Thị Hoà', 'Trần Văn Nam', 'Lê Thị Thu Hương', 'Phạm Đức Anh']),
        birthDate: `${between(1940, 2020)}-0${between(1, 9)}-1${between(0, 9)}`,
        sex: pick(['male', 'female'] as const),
        citizenId: `0791${String(85_000_000 + i).padStart(8, '0')}`,
        address: {
          line: `${between(1, 300)} Lê Lợi`,
          provinceCode: '79',
          districtCode: '760',
          communeCode: '26734',
        },
        ethnicityCode: '01',
        nationalityCode: '704',
        occupationCode: '00000',
      },
    });
  }
  return { episodes, catalog };
}

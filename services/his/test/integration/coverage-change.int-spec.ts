import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  CareRoute,
  ChargeItemType,
  type ChargePosted,
  ChargePostedSchema,
  EncounterCoverageChangedSchema,
  Topics,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import {
  api,
  type Api,
  bootHis,
  CATALOG,
  newCardNumber,
  newPatient,
  readEvents,
} from './support/his-fixture';

const DRUG = {
  code: 'PARA500',
  name: 'Paracetamol 500mg',
  activeIngredientCode: '40.10',
  activeIngredient: 'Paracetamol',
  strength: '500mg',
  route: 'Uống',
  dosageForm: 'Viên nén',
  unit: 'Viên',
  hospitalPrice: '1500',
  insurancePrice: '1200',
};

const DAY_MS = 24 * 3600 * 1000;
/** A date `days` from today, YYYY-MM-DD; offsets of 2+ days stay clear of the UTC / facility-day boundary. */
const day = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
/** A card window around today, so the test does not depend on the calendar year it runs in. */
const window = () => ({ validFrom: day(-60), validTo: day(300), registrationFacility: '79001' });

interface LedgerLine {
  id: string;
  itemCode: string;
  coveragePercent: string;
  insurerPays: string;
  insuranceCardNumber: string | null;
  departmentCode: string | null;
  bedCode: string | null;
  orderedBy: string | null;
  orderedAt: string | null;
  postedAt: string;
  sourceId: string | null;
}

describe('HIS: a BHYT card changed during the stay', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    expect((await call('PUT', '/catalog/services', { items: CATALOG })).status).toBe(200);
    expect((await call('PUT', '/catalog/drugs', { items: [DRUG] })).status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  /** A patient with one 80% card (benefit 4), admitted to K01 bed G12. */
  async function admitted() {
    const oldCard = newCardNumber(4);
    const p = await call(
      'POST',
      '/patients',
      newPatient({ insuranceCard: { cardNumber: oldCard, ...window() } }),
    );
    expect(p.status).toBe(201);
    const adm = await call('POST', '/encounters', {
      patientId: p.body.id,
      encounterClass: 'inpatient',
      departmentCode: 'K01',
      bedCode: 'G12',
    });
    expect(adm.status).toBe(201);
    expect(adm.body.coveragePercent).toBe('80');
    // The same person's BHXH number (the last 10 characters) on a card of another group and benefit level.
    const newCard = `HN279${oldCard.slice(5)}`;
    return { patientId: p.body.id as string, id: adm.body.id as string, oldCard, newCard };
  }

  it('prices lines after the change with the new card, keeps earlier lines, and tells claims on Kafka', async () => {
    const { patientId, id, oldCard, newCard } = await admitted();

    // Before the change: a bed-day posted directly and a lab order by another clinician.
    const bed1 = await call('POST', `/encounters/${id}/charges`, {
      kind: 'service',
      code: 'GIUONG-NOI',
      quantity: '1',
    });
    expect(bed1.status).toBe(201);
    const lab1 = await call('POST', `/encounters/${id}/orders`, {
      orderingProviderId: 'bs-le',
      orders: [{ serviceCode: 'XN-CBC' }],
    });
    expect(lab1.status).toBe(201);

    expect(
      (await call('POST', `/encounters/${id}/transfer`, { toDepartmentCode: 'K02', bedCode: 'B03' })).status,
    ).toBe(200);
    const before = (await call('GET', `/encounters/${id}`)).body;

    const changed = await call('POST', `/encounters/${id}/coverage`, {
      cardNumber: newCard,
      ...window(),
      reason: 'thẻ mới cấp, hộ nghèo',
      version: before.version,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      insuranceCardNumber: newCard,
      benefitLevel: 2,
      coveragePercent: '100',
      route: 'correct',
      departmentCode: 'K02',
      version: before.version + 1,
    });
    expect(changed.body.coveragePeriods).toHaveLength(2);
    expect(changed.body.coveragePeriods[0]).toMatchObject({
      insuranceCardNumber: oldCard,
      coveragePercent: '80',
      reason: null,
    });
    expect(changed.body.coveragePeriods[0].effectiveTo).toBe(changed.body.coveragePeriods[1].effectiveFrom);
    expect(changed.body.coveragePeriods[1]).toMatchObject({
      insuranceCardNumber: newCard,
      benefitLevel: 2,
      coveragePercent: '100',
      route: 'correct',
      registrationFacility: '79001',
      effectiveTo: null,
      reason: 'thẻ mới cấp, hộ nghèo',
      changedBy: 'bs-tran',
    });
    // The new card is now on the patient's record too.
    const patient = (await call('GET', `/patients/${patientId}`)).body;
    expect(patient.insuranceCards.map((c: { cardNumber: string }) => c.cardNumber).sort()).toEqual(
      [oldCard, newCard].sort(),
    );
    const again = await call('POST', `/encounters/${id}/coverage`, { cardNumber: newCard, ...window() });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('NO_CHANGE');

    // After the change: a bed-day in the new bed, a prescription, another lab order.
    const bed2 = await call('POST', `/encounters/${id}/charges`, {
      kind: 'service',
      code: 'GIUONG-NOI',
      quantity: '1',
    });
    expect(bed2.status).toBe(201);
    const rx = await call('POST', `/encounters/${id}/prescriptions`, {
      prescriberId: 'bs-pham',
      items: [{ drugCode: 'PARA500', quantity: '10', dosage: '1 viên x 2 lần/ngày', days: 5 }],
    });
    expect(rx.status).toBe(201);
    const lab2 = await call('POST', `/encounters/${id}/orders`, { orders: [{ serviceCode: 'XN-CBC' }] });
    expect(lab2.status).toBe(201);

    const { lines } = (await call('GET', `/encounters/${id}/charges`)).body as { lines: LedgerLine[] };
    expect(lines).toHaveLength(5);
    const [l1, l2, l3, l4, l5] = lines;
    // Lines keep the coverage that priced them: 80% on the old card before, 100% on the new card after.
    expect(lines.map((l) => [l.itemCode, l.coveragePercent, l.insuranceCardNumber])).toEqual([
      ['GIUONG-NOI', '80', oldCard],
      ['XN-CBC', '80', oldCard],
      ['GIUONG-NOI', '100', newCard],
      ['PARA500', '100', newCard],
      ['XN-CBC', '100', newCard],
    ]);
    expect(l1.insurerPays).toBe('144000.00');
    expect(l3.insurerPays).toBe('180000.00');
    expect(lines.map((l) => [l.departmentCode, l.bedCode, l.orderedBy])).toEqual([
      ['K01', 'G12', 'bs-tran'],
      ['K01', null, 'bs-le'],
      ['K02', 'B03', 'bs-tran'],
      ['K02', null, 'bs-pham'],
      ['K02', null, 'bs-tran'],
    ]);
    // NGAY_YL: the order's or prescription's time, the posting time for a line posted directly.
    expect(l1.orderedAt).toBe(l1.postedAt);
    expect(l2.orderedAt).toBe(lab1.body[0].orderedAt);
    expect(l3.orderedAt).toBe(l3.postedAt);
    expect(l4.orderedAt).toBe(rx.body.issuedAt);
    expect(l5.orderedAt).toBe(lab2.body[0].orderedAt);

    const encounterEvents = await readEvents(booted, Topics.HisEncounter, (es) =>
      es.some((e) => e.key === patientId && e.type === EncounterCoverageChangedSchema.typeName),
    );
    const mine = encounterEvents.filter((e) => e.key === patientId);
    expect(mine.map((e) => e.type)).toEqual([
      'hosp.his.v1.EncounterStarted',
      'hosp.his.v1.EncounterTransferred',
      EncounterCoverageChangedSchema.typeName,
    ]);
    const ev = fromBinary(EncounterCoverageChangedSchema, mine[2].value);
    expect(ev).toMatchObject({
      encounterId: id,
      patientId,
      previousCardNumber: oldCard,
      reason: 'thẻ mới cấp, hộ nghèo',
      coverage: {
        insuranceCardNumber: newCard,
        benefitLevel: 2,
        coveragePercent: '100',
        route: CareRoute.CORRECT,
        cardValidFrom: window().validFrom,
        cardValidTo: window().validTo,
        registrationFacility: '79001',
      },
    });
    expect(timestampDate(ev.effectiveAt!).toISOString()).toBe(changed.body.coveragePeriods[1].effectiveFrom);

    const chargeEvents = await readEvents(
      booted,
      Topics.HisCharge,
      (es) => es.filter((e) => e.key === patientId && e.type === ChargePostedSchema.typeName).length >= 5,
    );
    const posted = new Map<string, ChargePosted>(
      chargeEvents
        .filter((e) => e.key === patientId && e.type === ChargePostedSchema.typeName)
        .map((e) => fromBinary(ChargePostedSchema, e.value))
        .map((c) => [c.chargeId, c]),
    );
    const event = (l: LedgerLine) => posted.get(l.id)!;
    const iso = (c: ChargePosted) => timestampDate(c.orderedAt!).toISOString();
    expect(event(l1)).toMatchObject({
      itemType: ChargeItemType.BED_DAY,
      coveragePercent: '80',
      insuranceCardNumber: oldCard,
      departmentCode: 'K01',
      bedCode: 'G12',
      orderedBy: 'bs-tran',
    });
    expect(iso(event(l1))).toBe(timestampDate(event(l1).postedAt!).toISOString());
    expect(event(l2)).toMatchObject({
      itemType: ChargeItemType.LAB,
      coveragePercent: '80',
      insuranceCardNumber: oldCard,
      departmentCode: 'K01',
      bedCode: '',
      orderedBy: 'bs-le',
      sourceId: lab1.body[0].id,
    });
    expect(iso(event(l2))).toBe(lab1.body[0].orderedAt);
    expect(event(l3)).toMatchObject({
      itemType: ChargeItemType.BED_DAY,
      coveragePercent: '100',
      insuranceCardNumber: newCard,
      departmentCode: 'K02',
      bedCode: 'B03',
      orderedBy: 'bs-tran',
      insurerPays: '180000',
    });
    expect(event(l4)).toMatchObject({
      itemType: ChargeItemType.DRUG,
      coveragePercent: '100',
      insuranceCardNumber: newCard,
      departmentCode: 'K02',
      bedCode: '',
      orderedBy: 'bs-pham',
    });
    expect(iso(event(l4))).toBe(rx.body.issuedAt);
    expect(event(l5)).toMatchObject({
      coveragePercent: '100',
      insuranceCardNumber: newCard,
      orderedBy: 'bs-tran',
    });
  });

  it('refuses a malformed card with 400 naming the field, and an unusable one with 422 and the reason', async () => {
    const { id, newCard } = await admitted();

    const bad = await call('POST', `/encounters/${id}/coverage`, {
      cardNumber: 'DN47912',
      ...window(),
      registrationFacility: '7',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'cardNumber',
      'registrationFacility',
    ]);
    const shape = await call('POST', `/encounters/${id}/coverage`, {
      cardNumber: newCard,
      validFrom: '01/01/2026',
      validTo: day(300),
      registrationFacility: '79001',
    });
    expect(shape.status).toBe(400);
    expect(shape.body.errors[0].field).toBe('validFrom');
    const backwards = await call('POST', `/encounters/${id}/coverage`, {
      cardNumber: newCard,
      validFrom: day(10),
      validTo: day(5),
      registrationFacility: '79001',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]).toMatchObject({ field: 'validTo', reason: 'is before validFrom' });

    const expired = await call('POST', `/encounters/${id}/coverage`, {
      cardNumber: newCard,
      validFrom: day(-400),
      validTo: day(-5),
      registrationFacility: '79001',
    });
    expect(expired.status).toBe(422);
    expect(expired.body.code).toBe('CARD_EXPIRED');
    expect(expired.body.message).toContain(`card expired on ${day(-5)}`);
    const early = await call('POST', `/encounters/${id}/coverage`, {
      cardNumber: newCard,
      validFrom: day(5),
      validTo: day(300),
      registrationFacility: '79001',
    });
    expect(early.status).toBe(422);
    expect(early.body.code).toBe('CARD_NOT_YET_VALID');
    expect(early.body.message).toContain(`card is valid from ${day(5)}`);

    // A refused card leaves no trace: the encounter, its history and the patient's cards are as they were.
    const e = (await call('GET', `/encounters/${id}`)).body;
    expect(e).toMatchObject({ coveragePercent: '80', version: 1 });
    expect(e.coveragePeriods).toHaveLength(1);
    expect((await call('GET', `/patients/${e.patientId}`)).body.insuranceCards).toHaveLength(1);
  });

  it('refuses another patient’s card, a stale version, and a discharged, closed or unknown encounter (409/404)', async () => {
    const a = await admitted();
    const b = await admitted();
    const theirs = await call('POST', `/encounters/${a.id}/coverage`, { cardNumber: b.newCard, ...window() });
    expect(theirs.status).toBe(409);
    expect(theirs.body).toMatchObject({
      code: 'CARD_OF_ANOTHER_PATIENT',
      details: { patientIds: [b.patientId] },
    });
    const stale = await call('POST', `/encounters/${a.id}/coverage`, {
      cardNumber: a.newCard,
      ...window(),
      version: 7,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');

    const dis = await call('POST', `/encounters/${a.id}/discharge`, {
      outcome: '1',
      dischargeType: '1',
      mainDiagnosis: 'J18.9',
    });
    expect(dis.status).toBe(200);
    const afterDischarge = await call('POST', `/encounters/${a.id}/coverage`, {
      cardNumber: a.newCard,
      ...window(),
    });
    expect(afterDischarge.status).toBe(409);
    expect(afterDischarge.body).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { status: 'discharged', action: 'change-coverage' },
    });
    expect((await call('POST', `/encounters/${a.id}/close`, {})).status).toBe(200);
    const closed = await call('POST', `/encounters/${a.id}/coverage`, { cardNumber: a.newCard, ...window() });
    expect(closed.status).toBe(409);
    expect(closed.body).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'closed' } });

    expect(
      (
        await call('POST', '/encounters/6f1d0c1e-8b7a-4c61-9d32-1f7a2b3c4d5e/coverage', {
          cardNumber: a.newCard,
          ...window(),
        })
      ).status,
    ).toBe(404);
  });

  it('insures a self-paying emergency once a card is brought, on the emergency route by default', async () => {
    const p = (await call('POST', '/patients', newPatient())).body;
    const e = (
      await call('POST', '/encounters', {
        patientId: p.id,
        encounterClass: 'emergency',
        departmentCode: 'CC',
      })
    ).body;
    expect(e.coveragePercent).toBeNull();
    const selfPaid = await call('POST', `/encounters/${e.id}/charges`, {
      kind: 'service',
      code: 'KB01',
      quantity: '1',
    });
    expect(selfPaid.body).toMatchObject({ insuranceCardNumber: null, insurerPays: '0.00' });

    const card = newCardNumber(4);
    const r = await call('POST', `/encounters/${e.id}/coverage`, { cardNumber: card, ...window() });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ insuranceCardNumber: card, coveragePercent: '80', route: 'emergency' });
    expect(
      r.body.coveragePeriods.map((c: { insuranceCardNumber: string | null }) => c.insuranceCardNumber),
    ).toEqual([null, card]);
    const insured = await call('POST', `/encounters/${e.id}/charges`, {
      kind: 'service',
      code: 'KB01',
      quantity: '1',
    });
    expect(insured.body).toMatchObject({
      insuranceCardNumber: card,
      coveragePercent: '80',
      insurerPays: '27600.00',
    });

    const events = await readEvents(booted, Topics.HisEncounter, (es) =>
      es.some((x) => x.key === p.id && x.type === EncounterCoverageChangedSchema.typeName),
    );
    const ev = fromBinary(
      EncounterCoverageChangedSchema,
      events.find((x) => x.key === p.id && x.type === EncounterCoverageChangedSchema.typeName)!.value,
    );
    expect(ev).toMatchObject({
      previousCardNumber: '',
      reason: '',
      coverage: { insuranceCardNumber: card, coveragePercent: '80', route: CareRoute.EMERGENCY },
    });
  });
});

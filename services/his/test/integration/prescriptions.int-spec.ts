import { fromBinary } from '@bufbuild/protobuf';
import { PrescriptionIssuedSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { parsePrescriptionCode } from '@hosp/standards-bhyt';
import { randomUUID } from 'node:crypto';
import { api, type Api, bootHis, newPatient, readEvents } from './support/his-fixture';

/** Drugs the tests prescribe from (hospital / BHYT unit prices in VND). */
const DRUGS = [
  {
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
  },
  {
    code: 'AMOX500',
    name: 'Amoxicillin 500mg',
    activeIngredientCode: '40.160',
    activeIngredient: 'Amoxicillin',
    strength: '500mg',
    route: 'Uống',
    dosageForm: 'Viên nang',
    unit: 'Viên',
    hospitalPrice: '2500.5',
    insurancePrice: '2000',
  },
  {
    code: 'SIRO-HO',
    name: 'Siro ho Prospan 100ml',
    activeIngredientCode: '40.999',
    activeIngredient: 'Cao khô lá thường xuân',
    strength: '0.7g/100ml',
    route: 'Uống',
    dosageForm: 'Siro',
    unit: 'Chai',
    hospitalPrice: '85000',
    insurancePrice: null,
  },
  {
    code: 'OLD-DRUG',
    name: 'Thuốc ngừng sử dụng',
    activeIngredientCode: '40.0',
    activeIngredient: 'X',
    strength: '1mg',
    route: 'Uống',
    dosageForm: 'Viên',
    unit: 'Viên',
    hospitalPrice: '1000',
    insurancePrice: null,
    active: false,
  },
];

const TWO_DRUGS = {
  diagnosis: 'J06.9 Nhiễm trùng hô hấp trên cấp',
  advice: 'Uống nhiều nước, tái khám sau 5 ngày',
  items: [
    {
      drugCode: 'PARA500',
      quantity: '10',
      dosage: '1 viên x 2 lần/ngày',
      instructions: 'Uống sau ăn',
      days: 5,
    },
    { drugCode: 'AMOX500', quantity: '15', dosage: '1 viên x 3 lần/ngày', days: 5 },
    { drugCode: 'SIRO-HO', quantity: '0.5', dosage: '5ml x 3 lần/ngày', days: 5 },
  ],
};

describe('HIS prescriptions', () => {
  let booted: BootedService;
  let call: Api;

  /** A registered patient and an outpatient encounter of theirs (no BHYT card: the patient pays). */
  async function encounter(): Promise<{ id: string; patientId: string }> {
    const p = await call('POST', '/patients', newPatient());
    expect(p.status).toBe(201);
    const e = await call('POST', '/encounters', {
      patientId: p.body.id,
      encounterClass: 'outpatient',
      departmentCode: 'K01',
    });
    expect(e.status).toBe(201);
    return { id: e.body.id, patientId: p.body.id };
  }

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    const put = await call('PUT', '/catalog/drugs', { items: DRUGS });
    expect(put.status).toBe(200);
  }, 120_000);
  afterAll(() => booted?.close());

  it('issues a prescription with a national code, charges every line, adds it to the timeline and emits PrescriptionIssued', async () => {
    const e = await encounter();
    const r = await call('POST', `/encounters/${e.id}/prescriptions`, TWO_DRUGS);
    expect(r.status).toBe(201);
    const rx = r.body;

    // xxxxxyyyyyyy-z: this facility's code, 7 characters 0-9/a-z, the ordinary type by default.
    expect(rx.prescriptionCode).toMatch(/^79001[0-9a-z]{7}-c$/);
    expect(parsePrescriptionCode(rx.prescriptionCode)).toMatchObject({
      ok: true,
      facilityCode: '79001',
      type: 'c',
    });
    expect(rx).toMatchObject({
      encounterId: e.id,
      patientId: e.patientId,
      type: 'c',
      prescriberId: 'bs-tran',
      diagnosis: TWO_DRUGS.diagnosis,
      advice: TWO_DRUGS.advice,
      items: [
        {
          line: 1,
          drugCode: 'PARA500',
          drugName: 'Paracetamol 500mg',
          activeIngredient: 'Paracetamol',
          strength: '500mg',
          route: 'Uống',
          unit: 'Viên',
          quantity: '10',
          dosage: '1 viên x 2 lần/ngày',
          instructions: 'Uống sau ăn',
          days: 5,
        },
        { line: 2, drugCode: 'AMOX500', quantity: '15', instructions: null },
        { line: 3, drugCode: 'SIRO-HO', quantity: '0.5', unit: 'Chai' },
      ],
    });

    expect((await call('GET', `/prescriptions/${rx.id}`)).body).toEqual(rx);
    expect((await call('GET', `/encounters/${e.id}/prescriptions`)).body).toEqual([rx]);

    // One drug line per item on the ledger, pointing back at the prescription.
    const ledger = (await call('GET', `/encounters/${e.id}/charges`)).body;
    const drugLines = ledger.lines.filter((l: { itemType: string }) => l.itemType === 'drug');
    expect(drugLines).toHaveLength(3);
    expect(drugLines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          itemCode: 'PARA500',
          quantity: '10',
          sourceId: rx.id,
          amountHospital: '15000.00',
        }),
        expect.objectContaining({
          itemCode: 'AMOX500',
          itemName: 'Amoxicillin 500mg',
          quantity: '15',
          unitPriceHospital: '2500.5',
          sourceId: rx.id,
          amountHospital: '37507.50',
        }),
        expect.objectContaining({
          itemCode: 'SIRO-HO',
          quantity: '0.5',
          sourceId: rx.id,
          amountHospital: '42500.00',
        }),
      ]),
    );

    const timeline = (await call('GET', `/patients/${e.patientId}/timeline`)).body;
    const entry = timeline.find(
      (t: { kind: string; refId: string }) => t.kind === 'prescription' && t.refId === rx.id,
    );
    expect(entry).toMatchObject({
      encounterId: e.id,
      summary: expect.stringContaining(rx.prescriptionCode),
      detail: {
        prescriptionCode: rx.prescriptionCode,
        type: 'c',
        drugCodes: ['PARA500', 'AMOX500', 'SIRO-HO'],
      },
    });

    const events = await readEvents(booted, Topics.HisPrescription, (es) =>
      es.some((x) => fromBinary(PrescriptionIssuedSchema, x.value).prescriptionId === rx.id),
    );
    const record = events.find(
      (x) => fromBinary(PrescriptionIssuedSchema, x.value).prescriptionId === rx.id,
    )!;
    expect(record.type).toBe(PrescriptionIssuedSchema.typeName);
    expect(record.key).toBe(e.patientId);
    const issued = fromBinary(PrescriptionIssuedSchema, record.value);
    expect(issued).toMatchObject({
      prescriptionCode: rx.prescriptionCode,
      encounterId: e.id,
      patientId: e.patientId,
      prescriberId: 'bs-tran',
      diagnosis: TWO_DRUGS.diagnosis,
    });
    expect(issued.items).toMatchObject([
      {
        drugCode: 'PARA500',
        drugName: 'Paracetamol 500mg',
        activeIngredient: 'Paracetamol',
        strength: '500mg',
        route: 'Uống',
        unit: 'Viên',
        quantity: '10',
        dosage: '1 viên x 2 lần/ngày',
        instructions: 'Uống sau ăn',
        days: 5,
      },
      { drugCode: 'AMOX500', activeIngredient: 'Amoxicillin', quantity: '15', instructions: '' },
      { drugCode: 'SIRO-HO', unit: 'Chai', quantity: '0.5' },
    ]);
    expect(issued.issuedAt).toBeDefined();
  });

  it('takes the type letter in either case and the prescriber from the body, and never repeats a code', async () => {
    const e = await encounter();
    const one = { items: [{ drugCode: 'PARA500', quantity: '6', dosage: '1 viên khi đau', days: 3 }] };
    const n = await call('POST', `/encounters/${e.id}/prescriptions`, {
      ...one,
      type: 'N',
      prescriberId: 'bs-le',
    });
    expect(n.status).toBe(201);
    expect(n.body).toMatchObject({ type: 'n', prescriberId: 'bs-le' });
    expect(n.body.prescriptionCode).toMatch(/^79001[0-9a-z]{7}-n$/);
    const c = await call('POST', `/encounters/${e.id}/prescriptions`, one);
    expect(c.body.prescriptionCode).toMatch(/-c$/);
    expect(c.body.prescriptionCode.slice(0, 12)).not.toBe(n.body.prescriptionCode.slice(0, 12));
    const list = (await call('GET', `/encounters/${e.id}/prescriptions`)).body;
    expect(list.map((p: { id: string }) => p.id)).toEqual([n.body.id, c.body.id]);
  });

  it('refuses an unknown or inactive drug with 400 naming the item, and leaves nothing behind', async () => {
    const e = await encounter();
    const r = await call('POST', `/encounters/${e.id}/prescriptions`, {
      items: [
        { drugCode: 'PARA500', quantity: '10', dosage: '1 viên x 2 lần/ngày', days: 5 },
        { drugCode: 'NO-SUCH-DRUG', quantity: '10', dosage: '1 viên', days: 5 },
        { drugCode: 'OLD-DRUG', quantity: '10', dosage: '1 viên', days: 5 },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_REQUEST');
    expect(r.body.errors).toEqual([
      { field: 'items[1].drugCode', reason: expect.stringContaining('NO-SUCH-DRUG') },
      { field: 'items[2].drugCode', reason: expect.stringContaining('inactive') },
    ]);
    expect((await call('GET', `/encounters/${e.id}/prescriptions`)).body).toEqual([]);
    const ledger = (await call('GET', `/encounters/${e.id}/charges`)).body;
    expect(ledger.lines.filter((l: { itemType: string }) => l.itemType === 'drug')).toEqual([]);
  });

  it.each([
    ['a zero quantity', { quantity: '0' }, 'items[0].quantity'],
    ['four decimals', { quantity: '1.2345' }, 'items[0].quantity'],
    ['a numeric quantity', { quantity: 10 }, 'items[0].quantity'],
    ['no days', { days: 0 }, 'items[0].days'],
    ['more than 90 days', { days: 91 }, 'items[0].days'],
    ['no dosage', { dosage: '' }, 'items[0].dosage'],
  ])('refuses %s with 400 naming the field', async (_what, change, field) => {
    const e = await encounter();
    const item = { drugCode: 'PARA500', quantity: '10', dosage: '1 viên', days: 5, ...change };
    const r = await call('POST', `/encounters/${e.id}/prescriptions`, { items: [item] });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((x: { field: string }) => x.field)).toContain(field);
  });

  it('refuses an unknown type letter, an empty prescription and a prescription without a prescriber', async () => {
    const e = await encounter();
    const item = { drugCode: 'PARA500', quantity: '10', dosage: '1 viên', days: 5 };
    const fields = async (body: unknown, headers?: Record<string, string>) => {
      const r = await call('POST', `/encounters/${e.id}/prescriptions`, body, headers);
      expect(r.status).toBe(400);
      return r.body.errors.map((x: { field: string }) => x.field);
    };
    expect(await fields({ type: 'y', items: [item] })).toEqual(['type']);
    expect(await fields({ items: [] })).toEqual(['items']);
    expect(await fields({ items: [item] }, { 'x-actor-id': '' })).toEqual(['prescriberId']);
  });

  it('only takes prescriptions on an in-progress encounter (409), and answers 404 for unknown ids', async () => {
    const e = await encounter();
    const d = await call('POST', `/encounters/${e.id}/discharge`, {
      outcome: '1',
      dischargeType: '1',
      mainDiagnosis: 'J06.9',
    });
    expect(d.status).toBe(200);
    const r = await call('POST', `/encounters/${e.id}/prescriptions`, TWO_DRUGS);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('INVALID_TRANSITION');

    expect((await call('POST', `/encounters/${randomUUID()}/prescriptions`, TWO_DRUGS)).status).toBe(404);
    expect((await call('GET', `/encounters/${randomUUID()}/prescriptions`)).status).toBe(404);
    const missing = await call('GET', `/prescriptions/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });
});

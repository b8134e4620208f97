import { fromBinary } from '@bufbuild/protobuf';
import {
  EncounterClosedSchema,
  EncounterDischargedSchema,
  EncounterTransferredSchema,
  Topics,
} from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { Client } from 'pg';
import {
  api,
  type Api,
  bootHis,
  CARD_WINDOW,
  CATALOG,
  newCardNumber,
  newPatient,
  readEvents,
} from './support/his-fixture';

describe('HIS encounters, orders and the ledger', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    await call('PUT', '/catalog/services', { items: CATALOG });
  }, 120_000);
  afterAll(() => booted?.close());

  async function insuredPatient(benefit = 4) {
    return (
      await call(
        'POST',
        '/patients',
        newPatient({ insuranceCard: { cardNumber: newCardNumber(benefit), ...CARD_WINDOW } }),
      )
    ).body;
  }

  it('admits, transfers, discharges and closes an inpatient stay, refusing impossible transitions', async () => {
    const p = await insuredPatient();
    const adm = await call('POST', '/encounters', {
      patientId: p.id,
      encounterClass: 'inpatient',
      departmentCode: 'K01',
      bedCode: 'G12',
    });
    expect(adm.status).toBe(201);
    expect(adm.body).toMatchObject({
      status: 'in-progress',
      visitType: '03',
      coveragePercent: '80',
      version: 1,
    });
    const id = adm.body.id;

    expect((await call('POST', `/encounters/${id}/close`, {})).body.code).toBe('INVALID_TRANSITION');
    const tr = await call('POST', `/encounters/${id}/transfer`, {
      toDepartmentCode: 'K02',
      bedCode: 'B03',
      version: 1,
    });
    expect(tr.body).toMatchObject({ departmentCode: 'K02', bedCode: 'B03', version: 2 });
    const stale = await call('POST', `/encounters/${id}/transfer`, { toDepartmentCode: 'K03', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect(
      (await call('GET', `/encounters/${id}`)).body.movements.map(
        (m: { toDepartment: string }) => m.toDepartment,
      ),
    ).toEqual(['K01', 'K02']);

    const noDx = await call('POST', `/encounters/${id}/discharge`, { outcome: '1', dischargeType: '1' });
    expect(noDx.status).toBe(400);
    expect(noDx.body.errors[0].field).toBe('mainDiagnosis');
    const badDx = await call('POST', `/encounters/${id}/discharge`, {
      outcome: '9',
      dischargeType: '1',
      mainDiagnosis: 'pneumonia',
    });
    expect(badDx.status).toBe(400);
    expect(badDx.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'mainDiagnosis',
      'outcome',
    ]);
    const dis = await call('POST', `/encounters/${id}/discharge`, {
      outcome: '1',
      dischargeType: '1',
      mainDiagnosis: 'J18.9',
    });
    expect(dis.body).toMatchObject({ status: 'discharged', outcome: '1', mainDiagnosis: 'J18.9' });
    for (const [path, body] of [
      ['discharge', { outcome: '1', dischargeType: '1', mainDiagnosis: 'J18.9' }],
      ['transfer', { toDepartmentCode: 'K05' }],
      ['cancel', { reason: 'x' }],
    ] as const) {
      const r = await call('POST', `/encounters/${id}/${path}`, body);
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'discharged' } });
    }
    expect(
      (await call('POST', `/encounters/${id}/orders`, { orders: [{ serviceCode: 'XN-CBC' }] })).status,
    ).toBe(409);
    // A late charge is still accepted after discharge, not after close.
    expect(
      (
        await call('POST', `/encounters/${id}/charges`, {
          kind: 'service',
          code: 'GIUONG-NOI',
          quantity: '0.5',
        })
      ).status,
    ).toBe(201);
    const closed = await call('POST', `/encounters/${id}/close`, {});
    expect(closed.body).toMatchObject({
      status: 'closed',
      totals: { amountHospital: '100000.00', insurerPays: '72000.00' },
    });
    expect(
      (
        await call('POST', `/encounters/${id}/charges`, {
          kind: 'service',
          code: 'GIUONG-NOI',
          quantity: '1',
        })
      ).status,
    ).toBe(409);

    const events = await readEvents(booted, Topics.HisEncounter, (es) =>
      es.some((e) => e.key === p.id && e.type === EncounterClosedSchema.typeName),
    );
    const mine = events.filter((e) => e.key === p.id).map((e) => e.type);
    expect(mine).toEqual([
      'hosp.his.v1.EncounterStarted',
      EncounterTransferredSchema.typeName,
      EncounterDischargedSchema.typeName,
      EncounterClosedSchema.typeName,
    ]);
    const closedEvent = fromBinary(
      EncounterClosedSchema,
      events.find((e) => e.type === EncounterClosedSchema.typeName && e.key === p.id)!.value,
    );
    expect(closedEvent).toMatchObject({
      encounterId: id,
      totalHospitalAmount: '100000.00',
      totalInsurerAmount: '72000.00',
      totalPatientAmount: '28000.00',
    });
  });

  it('refuses a visit type that does not fit the class, and unknown patients and encounters', async () => {
    const p = await insuredPatient();
    const r = await call('POST', '/encounters', {
      patientId: p.id,
      encounterClass: 'inpatient',
      visitType: '01',
      departmentCode: 'K01',
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('visitType');
    expect(
      (
        await call('POST', '/encounters', {
          patientId: '6f1d0c1e-8b7a-4c61-9d32-1f7a2b3c4d5e',
          encounterClass: 'inpatient',
          departmentCode: 'K01',
        })
      ).status,
    ).toBe(404);
    expect((await call('GET', '/encounters/6f1d0c1e-8b7a-4c61-9d32-1f7a2b3c4d5e')).status).toBe(404);
  });

  it('refuses orders for unknown or inactive services with 400 naming the line, placing none of them', async () => {
    const p = await insuredPatient();
    const e = (
      await call('POST', '/encounters', {
        patientId: p.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      })
    ).body;
    await call('PUT', '/catalog/services', { items: [{ ...CATALOG[1], code: 'XN-OLD', active: false }] });
    const r = await call('POST', `/encounters/${e.id}/orders`, {
      orders: [{ serviceCode: 'XN-CBC' }, { serviceCode: 'XN-NOPE' }, { serviceCode: 'XN-OLD' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { field: 'orders[1].serviceCode', reason: 'unknown service code XN-NOPE' },
      { field: 'orders[2].serviceCode', reason: 'service XN-OLD is inactive' },
    ]);
    expect((await call('GET', `/encounters/${e.id}/orders`)).body).toEqual([]);
    expect((await call('POST', `/encounters/${e.id}/orders`, { orders: [] })).status).toBe(400);
    expect(
      (
        await call(
          'POST',
          `/encounters/${e.id}/orders`,
          { orders: [{ serviceCode: 'XN-CBC' }] },
          { 'x-actor-id': '' },
        )
      ).status,
    ).toBe(400);
  });

  it('prices items outside BHYT scope and self-paying visits entirely to the patient', async () => {
    const p = await insuredPatient(4);
    const e = (
      await call('POST', '/encounters', {
        patientId: p.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      })
    ).body;
    const line = (
      await call('POST', `/encounters/${e.id}/charges`, { kind: 'service', code: 'DV-SPA', quantity: '1' })
    ).body;
    expect(line).toMatchObject({
      amountHospital: '100000.00',
      amountInsurance: '0.00',
      insurerPays: '0.00',
      patientPays: '100000.00',
    });
    const self = (await call('POST', '/patients', newPatient())).body;
    const e2 = (
      await call('POST', '/encounters', {
        patientId: self.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      })
    ).body;
    expect(e2.coveragePercent).toBeNull();
    const l2 = (
      await call('POST', `/encounters/${e2.id}/charges`, { kind: 'service', code: 'KB01', quantity: '1' })
    ).body;
    expect(l2).toMatchObject({ insurerPays: '0.00', patientCopay: '0.00', patientPays: '34500.00' });
    expect(
      (await call('POST', `/encounters/${e2.id}/charges`, { kind: 'service', code: 'KB01', quantity: '-1' }))
        .status,
    ).toBe(400);
  });

  it('keeps the ledger append-only: reversal once, never an edit (the database refuses UPDATE)', async () => {
    const p = await insuredPatient();
    const e = (
      await call('POST', '/encounters', {
        patientId: p.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      })
    ).body;
    const line = (
      await call('POST', `/encounters/${e.id}/charges`, { kind: 'service', code: 'KB01', quantity: '1' })
    ).body;
    const rev = await call('POST', `/charges/${line.id}/reverse`, { reason: 'posted twice' });
    expect(rev.status).toBe(201);
    expect(rev.body).toMatchObject({ reverses: line.id, amountHospital: '-34500.00', quantity: '-1' });
    expect((await call('POST', `/charges/${line.id}/reverse`, { reason: 'again' })).body.code).toBe(
      'ALREADY_REVERSED',
    );
    expect((await call('POST', `/charges/${rev.body.id}/reverse`, { reason: 'undo' })).body.code).toBe(
      'IS_REVERSAL',
    );
    expect((await call('GET', `/encounters/${e.id}/charges`)).body.totals.amountHospital).toBe('0.00');
    const db = new Client({ connectionString: booted.ctx.databaseUrl });
    await db.connect();
    try {
      await expect(
        db.query(`UPDATE his_charge SET amount_hospital = 1 WHERE id = $1`, [line.id]),
      ).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM his_charge WHERE id = $1`, [line.id])).rejects.toThrow(
        /append-only/,
      );
    } finally {
      await db.end();
    }
  });

  it('does not cancel an order the department has started, and an order only moves forward', async () => {
    const p = await insuredPatient();
    const e = (
      await call('POST', '/encounters', {
        patientId: p.id,
        encounterClass: 'outpatient',
        departmentCode: 'K01',
      })
    ).body;
    const [o] = (await call('POST', `/encounters/${e.id}/orders`, { orders: [{ serviceCode: 'CDHA-CT' }] }))
      .body;
    const db = new Client({ connectionString: booted.ctx.databaseUrl });
    await db.connect();
    await db.query(`UPDATE his_order SET status = 'in-progress' WHERE id = $1`, [o.id]);
    await db.end();
    const r = await call('POST', `/orders/${o.id}/cancel`, { reason: 'changed my mind' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'in-progress' } });
    expect(
      (await call('POST', `/orders/6f1d0c1e-8b7a-4c61-9d32-1f7a2b3c4d5e/cancel`, { reason: 'x' })).status,
    ).toBe(404);
  });
});

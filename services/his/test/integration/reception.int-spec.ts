import { fromBinary } from '@bufbuild/protobuf';
import { CareRoute, EncounterStartedSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import {
  api,
  type Api,
  bootHis,
  CARD_WINDOW,
  CATALOG,
  newCardNumber,
  newPatient,
  randomSerial,
  readEvents,
} from './support/his-fixture';

describe('HIS reception: check-in and the queue', () => {
  let booted: BootedService;
  let call: Api;
  const checkIn = (body: Record<string, unknown>) =>
    call('POST', '/reception/check-ins', { roomCode: 'P201', departmentCode: 'K01', ...body });

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
    await call('PUT', '/catalog/services', { items: CATALOG });
  }, 120_000);
  afterAll(() => booted?.close());

  it('checks in a first visit by card, then a returning patient by card alone, by CCCD alone (card on file)', async () => {
    const cardNumber = newCardNumber(2, 'CH');
    const first = await checkIn({ cardNumber, card: CARD_WINDOW, patient: newPatient() });
    expect(first.status).toBe(201);
    expect(first.body.encounter).toMatchObject({ coveragePercent: '100', insuranceCardNumber: cardNumber });
    const events = await readEvents(booted, Topics.HisEncounter, (es) =>
      es.some((e) => e.key === first.body.patient.id),
    );
    const started = fromBinary(
      EncounterStartedSchema,
      events.find((e) => e.key === first.body.patient.id)!.value,
    );
    expect(started).toMatchObject({
      encounterId: first.body.encounter.id,
      visitType: '01',
      queueTicket: first.body.ticket.number,
      coverage: {
        insuranceCardNumber: cardNumber,
        benefitLevel: 2,
        coveragePercent: '100',
        route: CareRoute.CORRECT,
      },
    });

    // The next day's visit is simulated by closing today's encounter first.
    const enc = first.body.encounter.id;
    await call('POST', `/encounters/${enc}/discharge`, {
      outcome: '1',
      dischargeType: '1',
      mainDiagnosis: 'J00',
    });
    const byCard = await checkIn({ cardNumber });
    expect(byCard.status).toBe(201);
    expect(byCard.body).toMatchObject({ patientCreated: false, patient: { id: first.body.patient.id } });
    await call('POST', `/encounters/${byCard.body.encounter.id}/cancel`, { reason: 'test' });
    const byCccd = await checkIn({ citizenId: first.body.patient.citizenId });
    expect(byCccd.status).toBe(201);
    // The chip CCCD is proof of cover on its own (Law 51/2024, NĐ 188/2025 Art. 37): the card on file applies.
    expect(byCccd.body.encounter).toMatchObject({ coveragePercent: '100', insuranceCardNumber: cardNumber });
  });

  it('answers bad identity documents with 400 naming the field', async () => {
    const r = await checkIn({ citizenId: '0791851234', cardNumber: 'XX4790123456789' });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['cardNumber', 'citizenId']);
    const neither = await checkIn({});
    expect(neither.status).toBe(400);
    const bhxhOnly = await checkIn({ cardNumber: '7901234567' });
    expect(bhxhOnly.body.errors[0]).toMatchObject({
      field: 'cardNumber',
      reason: expect.stringMatching(/portal lookup/),
    });
  });

  it('refuses an expired or not-yet-valid card with 422 and the reason, and an unknown patient without details', async () => {
    const expired = await checkIn({
      cardNumber: newCardNumber(4),
      card: { validFrom: '2025-01-01', validTo: '2025-12-31', registrationFacility: '79001' },
      patient: newPatient(),
    });
    expect(expired.status).toBe(422);
    expect(expired.body).toMatchObject({ code: 'CARD_EXPIRED', details: { validTo: '2025-12-31' } });
    const future = await checkIn({
      cardNumber: newCardNumber(4),
      card: { validFrom: '2027-01-01', validTo: '2027-12-31', registrationFacility: '79001' },
      patient: newPatient(),
    });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('CARD_NOT_YET_VALID');
    // Nothing of a refused check-in is kept: the patient was not created either.
    expect((await call('GET', `/patients?card=${expired.body.details.cardNumber}`)).body).toEqual([]);

    const unknown = await checkIn({ cardNumber: newCardNumber(4) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('PATIENT_DETAILS_REQUIRED');
  });

  it('refuses a duplicate check-in the same day with 409 naming the open encounter and ticket', async () => {
    const cardNumber = newCardNumber(4);
    const first = await checkIn({ cardNumber, card: CARD_WINDOW, patient: newPatient() });
    const again = await checkIn({ cardNumber });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      code: 'DUPLICATE_CHECK_IN',
      details: { encounterId: first.body.encounter.id, ticket: first.body.ticket.number },
    });
  });

  it('lets only one of two simultaneous check-ins of the same person through', async () => {
    const serial = randomSerial();
    const patient = (await call('POST', '/patients', newPatient({}, serial))).body;
    const results = await Promise.all(
      [1, 2, 3].map(() => checkIn({ citizenId: patient.citizenId, roomCode: 'P202' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('numbers tickets per room and day, calls priority tickets first, and skips no-shows', async () => {
    const room = `Q${randomSerial().slice(0, 4)}`;
    const people = await Promise.all(
      [0, 1, 2].map(async () => (await call('POST', '/patients', newPatient())).body),
    );
    const tickets = [];
    for (const [i, p] of people.entries())
      tickets.push(
        (await checkIn({ citizenId: p.citizenId, roomCode: room, priority: i === 2 })).body.ticket,
      );
    expect(tickets.map((t) => t.number)).toEqual([`${room}-001`, `${room}-002`, `${room}-003`]);

    const firstCalled = await call('POST', `/reception/rooms/${room}/call-next`);
    expect(firstCalled.body.number).toBe(`${room}-003`); // priority
    const second = await call('POST', `/reception/rooms/${room}/call-next`);
    expect(second.body.number).toBe(`${room}-001`);
    const skipped = await call('POST', `/reception/tickets/${second.body.id}/status`, { status: 'skipped' });
    expect(skipped.body.status).toBe('skipped');
    expect((await call('POST', `/reception/rooms/${room}/call-next`)).body.number).toBe(`${room}-002`);
    expect((await call('POST', `/reception/rooms/${room}/call-next`)).status).toBe(404);
    const back = await call('POST', `/reception/tickets/${second.body.id}/status`, { status: 'waiting' });
    expect(back.body.status).toBe('waiting');
    expect(
      (await call('POST', `/reception/tickets/${firstCalled.body.id}/status`, { status: 'waiting' })).status,
    ).toBe(409);
    const queue = await call('GET', `/reception/rooms/${room}/queue`);
    expect(queue.body.map((t: { status: string }) => t.status)).toEqual(['waiting', 'called', 'called']);
  });
});

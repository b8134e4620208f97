import { fromBinary } from '@bufbuild/protobuf';
import { PatientRegisteredSchema, PatientsMergedSchema, PatientUpdatedSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import {
  api,
  type Api,
  bootHis,
  CARD_WINDOW,
  newCardNumber,
  newPatient,
  randomSerial,
  readEvents,
} from './support/his-fixture';

describe('HIS patients: the master patient index', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
  }, 120_000);
  afterAll(() => booted?.close());

  it('registers a patient with a CCCD and a BHYT card and emits PatientRegistered', async () => {
    const cardNumber = newCardNumber(3, 'HT');
    const r = await call('POST', '/patients', newPatient({ insuranceCard: { cardNumber, ...CARD_WINDOW } }));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      fullName: 'Nguyễn Thị Hoa',
      citizenIdKind: 'cccd',
      status: 'active',
      version: 1,
      patientCode: expect.stringMatching(/^BN\d{8}$/),
      insuranceCards: [
        { cardNumber, beneficiaryGroup: 'HT', benefitLevel: 3, bhxhNumber: cardNumber.slice(5) },
      ],
    });
    const events = await readEvents(booted, Topics.HisPatient, (es) => es.some((e) => e.key === r.body.id));
    const e = events.find((x) => x.key === r.body.id)!;
    expect(e.headers['ce_type']).toBe(PatientRegisteredSchema.typeName);
    const payload = fromBinary(PatientRegisteredSchema, e.value);
    expect(payload).toMatchObject({
      fullName: 'Nguyễn Thị Hoa',
      insuranceCardNumber: cardNumber,
      patientCode: r.body.patientCode,
    });
  });

  it.each([
    ['12 digits with a letter', '07918512345X', 'citizenId'],
    ['11 digits', '07918512345', 'citizenId'],
    ['an unknown province code', '099185123456', 'citizenId'],
  ])('refuses a malformed CCCD (%s) with 400 naming the field', async (_what, citizenId, field) => {
    const r = await call('POST', '/patients', newPatient({ citizenId }));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('INVALID_REQUEST');
    expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a CCCD that contradicts the sex or birth year given', async () => {
    const r = await call('POST', '/patients', newPatient({ sex: 'male', birthDate: '1990' }));
    expect(r.status).toBe(400);
    const reasons = r.body.errors.map((e: { reason: string }) => e.reason).join(' | ');
    expect(reasons).toMatch(/encodes sex female/);
    expect(reasons).toMatch(/encodes birth year 1985/);
  });

  it('refuses a BHYT card with an unknown group, a bad benefit digit or a bad window', async () => {
    const r = await call(
      'POST',
      '/patients',
      newPatient({
        insuranceCard: {
          cardNumber: 'ZZ4790123456789',
          validFrom: '2026-12-31',
          validTo: '2026-01-01',
          registrationFacility: '7900',
        },
      }),
    );
    expect(r.status).toBe(400);
    const fields = r.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'insuranceCard.cardNumber',
        'insuranceCard.validTo',
        'insuranceCard.registrationFacility',
      ]),
    );
    const bad = await call(
      'POST',
      '/patients',
      newPatient({ insuranceCard: { cardNumber: 'DN6790123456789', ...CARD_WINDOW } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('insuranceCard.cardNumber');
  });

  it('validates the request shape: unknown fields, wrong types, missing fields', async () => {
    const r = await call('POST', '/patients', {
      fullName: '',
      sex: 'x',
      birthDate: '1985-13-40',
      nickname: 'Hoa',
    });
    expect(r.status).toBe(400);
    const fields = r.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['nickname', 'sex']));
  });

  it('refuses a second record with the same citizen id (409 with the existing id)', async () => {
    const serial = randomSerial();
    const first = await call('POST', '/patients', newPatient({}, serial));
    const second = await call('POST', '/patients', newPatient({ fullName: 'Nguyen Thi Hoa' }, serial));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'DUPLICATE_PATIENT', details: { patientId: first.body.id } });
  });

  it('searches by name without accents, by birth year, by CCCD and by card or BHXH number', async () => {
    const cardNumber = newCardNumber(4);
    const p = (
      await call('POST', '/patients', {
        ...newPatient({ fullName: 'Trần Văn Đức', sex: 'male', birthDate: '1972' }, undefined),
        citizenId: `001072${randomSerial()}`,
        insuranceCard: { cardNumber, ...CARD_WINDOW },
      })
    ).body;
    const ids = async (q: string) =>
      (await call('GET', `/patients?${q}`)).body.map((x: { id: string }) => x.id);
    expect(await ids('name=tran%20van%20duc')).toContain(p.id);
    expect(await ids('name=TRAN%20V%20D')).toContain(p.id);
    expect(await ids('name=van%20duc&birthYear=1972')).toContain(p.id);
    expect(await ids('name=van%20duc&birthYear=1973')).not.toContain(p.id);
    expect(await ids('birthDate=1972&name=duc')).toContain(p.id);
    expect(await ids('birthDate=1972-05-01&name=duc')).not.toContain(p.id);
    expect(await ids(`citizenId=${p.citizenId}`)).toEqual([p.id]);
    expect(await ids(`card=${cardNumber}`)).toEqual([p.id]);
    expect(await ids(`card=${cardNumber.slice(5)}`)).toEqual([p.id]);
    expect((await call('GET', '/patients')).status).toBe(400);
  });

  it('updates with optimistic locking: a stale version is 409, unknown ids 404', async () => {
    const p = (await call('POST', '/patients', newPatient())).body;
    const { id, version } = p;
    const edit = { ...newPatient({ citizenId: p.citizenId, phone: '0903123456' }), version };
    const ok = await call('PUT', `/patients/${id}`, edit);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, phone: '0903123456' });
    const stale = await call('PUT', `/patients/${id}`, edit);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    expect((await call('GET', '/patients/6f1d0c1e-8b7a-4c61-9d32-1f7a2b3c4d5e')).status).toBe(404);
    expect((await call('GET', '/patients/not-a-uuid')).status).toBe(400);
    const events = await readEvents(booted, Topics.HisPatient, (es) =>
      es.some((e) => e.key === id && e.type === PatientUpdatedSchema.typeName),
    );
    const upd = fromBinary(
      PatientUpdatedSchema,
      events.find((e) => e.key === id && e.type === PatientUpdatedSchema.typeName)!.value,
    );
    expect(upd.version).toBe(2);
  });

  it('finds duplicates and merges them (ADT^A40): the retired record points at the survivor', async () => {
    const cardNumber = newCardNumber(4);
    // The same woman registered twice: once with her CCCD, once at the emergency desk with only her card.
    const a = (
      await call('POST', '/patients', newPatient({ fullName: 'Lê Thị Mai', birthDate: '1985-07-01' }))
    ).body;
    const b = (
      await call('POST', '/patients', {
        fullName: 'Le Thi Mai',
        birthDate: '1985',
        sex: 'female',
        insuranceCard: { cardNumber, ...CARD_WINDOW },
      })
    ).body;
    const dups = await call('GET', `/patients/${a.id}/duplicates`);
    expect(dups.body.map((d: { id: string }) => d.id)).toContain(b.id);
    expect(dups.body.find((d: { id: string }) => d.id === b.id).reasons).toContain(
      'same name and birth year',
    );

    const merged = await call('POST', `/patients/${a.id}/merge`, {
      mergedPatientId: b.id,
      reason: 'same person',
    });
    expect(merged.status).toBe(200);
    expect(merged.body.insuranceCards.map((c: { cardNumber: string }) => c.cardNumber)).toContain(cardNumber);
    expect((await call('GET', `/patients/${b.id}`)).body).toMatchObject({
      status: 'merged',
      mergedInto: a.id,
    });
    const again = await call('POST', `/patients/${a.id}/merge`, { mergedPatientId: b.id, reason: 'again' });
    expect(again.status).toBe(409);
    const edit = await call('PUT', `/patients/${b.id}`, { ...newPatient(), version: 2 });
    expect(edit.body.code).toBe('PATIENT_MERGED');
    const events = await readEvents(booted, Topics.HisPatient, (es) =>
      es.some((e) => e.type === PatientsMergedSchema.typeName && e.key === a.id),
    );
    const m = fromBinary(
      PatientsMergedSchema,
      events.find((e) => e.type === PatientsMergedSchema.typeName && e.key === a.id)!.value,
    );
    expect(m).toMatchObject({ patientId: a.id, mergedPatientId: b.id, reason: 'same person' });
  });
});

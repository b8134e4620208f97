import { fromBinary } from '@bufbuild/protobuf';
import { EncounterDischargedSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { facilityDate } from '../../src/shared/domain/dates';
import {
  api,
  type Api,
  bootHis,
  CARD_WINDOW,
  newCardNumber,
  newPatient,
  readEvents,
} from './support/his-fixture';

const DAY_MS = 86_400_000;
/** The facility day `days` from today, YYYY-MM-DD (the discharge happens today). */
const facilityDay = (days: number) => facilityDate(new Date(Date.now() + days * DAY_MS));

const REFERRAL = {
  toFacility: '79002',
  reasonCode: '1',
  letterNumber: 'CT-2026/0042',
  clinicalSigns: 'Sốt 39°C, khó thở, SpO2 90%',
  treatmentDirection: 'Tiếp tục kháng sinh, đánh giá hồi sức',
  transport: 'Xe cứu thương',
  escortName: 'Lê Thị Mai',
  escortTitle: 'Điều dưỡng',
};

/**
 * What a discharge records for the claim besides the outcome (the spec, vietnam-bhyt-emr.md §1.7 rows 32, 37,
 * 39, 62 and §1.11): the referral letter of a referred discharge (XML13), the re-exam appointment (XML14), the
 * treatment given and who discharged the patient, stored, returned and carried on EncounterDischarged.
 */
describe('HIS discharge: referral letter, re-exam appointment, treatment given', () => {
  let booted: BootedService;
  let call: Api;

  beforeAll(async () => {
    booted = await bootHis();
    call = api(booted);
  }, 120_000);
  afterAll(() => booted?.close());

  async function admit(encounterClass: 'inpatient' | 'outpatient') {
    const p = (
      await call(
        'POST',
        '/patients',
        newPatient({ insuranceCard: { cardNumber: newCardNumber(4), ...CARD_WINDOW } }),
      )
    ).body;
    const e = await call('POST', '/encounters', { patientId: p.id, encounterClass, departmentCode: 'K01' });
    expect(e.status).toBe(201);
    return { patientId: p.id as string, id: e.body.id as string };
  }

  async function dischargedEvent(patientId: string) {
    const events = await readEvents(booted, Topics.HisEncounter, (es) =>
      es.some((e) => e.key === patientId && e.type === EncounterDischargedSchema.typeName),
    );
    return fromBinary(
      EncounterDischargedSchema,
      events.find((e) => e.key === patientId && e.type === EncounterDischargedSchema.typeName)!.value,
    );
  }

  it('refuses a discharge whose referral, follow-up day or summary is wrong, naming the field (400)', async () => {
    const { id } = await admit('inpatient');
    const base = { outcome: '2', mainDiagnosis: 'J18.9' };
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['a referred discharge without its letter', { dischargeType: '2' }, ['referral']],
      ['a referral on request without its letter', { dischargeType: '5' }, ['referral']],
      ['a letter on a discharge home', { dischargeType: '1', referral: REFERRAL }, ['referral']],
      ['a letter that is not an object', { dischargeType: '2', referral: '79002' }, ['referral']],
      [
        'a malformed letter',
        {
          dischargeType: '2',
          referral: { toFacility: '7900', reasonCode: '12', letterNumber: 'x'.repeat(51) },
        },
        ['referral.letterNumber', 'referral.reasonCode', 'referral.toFacility'],
      ],
      [
        'a referral to this facility',
        { dischargeType: '2', referral: { ...REFERRAL, toFacility: '79001' } },
        ['referral.toFacility'],
      ],
      [
        'a follow-up before the discharge day',
        { dischargeType: '1', followUpDate: facilityDay(-1) },
        ['followUpDate'],
      ],
      [
        'a follow-up day that does not exist',
        { dischargeType: '1', followUpDate: '2026-02-30' },
        ['followUpDate'],
      ],
      [
        'a follow-up day in another format',
        { dischargeType: '1', followUpDate: '20261201' },
        ['followUpDate'],
      ],
      [
        'a summary over 4000 characters',
        { dischargeType: '1', treatmentSummary: 'x'.repeat(4001) },
        ['treatmentSummary'],
      ],
    ];
    for (const [what, body, expected] of cases) {
      const r = await call('POST', `/encounters/${id}/discharge`, { ...base, ...body });
      expect({ what, status: r.status }).toEqual({ what, status: 400 });
      expect({
        what,
        fields: [...new Set(r.body.errors.map((e: { field: string }) => e.field))].sort(),
      }).toEqual({ what, fields: expected });
    }
    // Nothing was recorded: the encounter is still in progress.
    expect((await call('GET', `/encounters/${id}`)).body).toMatchObject({
      status: 'in-progress',
      referral: null,
    });
  }, 60_000);

  it('records a referred discharge with its letter and appointment, and carries them on the event', async () => {
    const { patientId, id } = await admit('inpatient');
    const followUpDate = facilityDay(14);
    const r = await call('POST', `/encounters/${id}/discharge`, {
      outcome: '3',
      dischargeType: '2',
      mainDiagnosis: 'J18.9',
      secondaryDiagnoses: ['I10'],
      referral: REFERRAL,
      followUpDate,
      treatmentSummary: 'Kháng sinh ceftriaxone 5 ngày, thở oxy',
    });
    expect(r.status).toBe(200);
    const recorded = {
      status: 'discharged',
      dischargeType: '2',
      referral: REFERRAL,
      followUpDate,
      treatmentSummary: 'Kháng sinh ceftriaxone 5 ngày, thở oxy',
      dischargedBy: 'bs-tran',
    };
    expect(r.body).toMatchObject(recorded);
    expect((await call('GET', `/encounters/${id}`)).body).toMatchObject(recorded);

    expect(await dischargedEvent(patientId)).toMatchObject({
      encounterId: id,
      dischargeType: '2',
      mainDiagnosis: 'J18.9',
      referral: REFERRAL,
      followUpDate,
      treatmentSummary: 'Kháng sinh ceftriaxone 5 ngày, thở oxy',
      dischargedBy: 'bs-tran',
    });
  }, 60_000);

  it('a discharge home with an appointment on the discharge day itself has no letter', async () => {
    const { patientId, id } = await admit('outpatient');
    const followUpDate = facilityDay(0);
    const r = await call('POST', `/encounters/${id}/discharge`, {
      outcome: '2',
      dischargeType: '1',
      mainDiagnosis: 'J06.9',
      followUpDate,
      referral: null,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      referral: null,
      followUpDate,
      treatmentSummary: null,
      dischargedBy: 'bs-tran',
    });
    const event = await dischargedEvent(patientId);
    expect(event.referral).toBeUndefined();
    expect(event).toMatchObject({ followUpDate, treatmentSummary: '', dischargedBy: 'bs-tran' });
  }, 60_000);
});

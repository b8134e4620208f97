import type { ChargeFact, EpisodeFacts, PatientFacts } from '../../episodes/domain/episode';
import { awaitedFacts } from './readiness';

const charge = (over: Partial<ChargeFact>): ChargeFact =>
  ({
    chargeId: 'c',
    itemType: 'lab',
    itemCode: 'XN-CBC',
    sourceId: 'o1',
    reversed: false,
    ...over,
  }) as ChargeFact;
const episode = (over: Partial<EpisodeFacts>): EpisodeFacts =>
  ({
    patientId: 'p1',
    charges: [],
    orders: [],
    results: [],
    reports: [],
    ...over,
  }) as unknown as EpisodeFacts;
const patient = { patientId: 'p1' } as PatientFacts;

describe('awaitedFacts', () => {
  it('waits for the patient and for a result or report of every charged lab or imaging line', () => {
    const e = episode({
      charges: [
        charge({}),
        charge({ chargeId: 'c2', itemType: 'imaging', itemCode: 'CT', sourceId: 'o2' }),
        charge({ chargeId: 'c3', itemType: 'exam', sourceId: '' }),
      ],
    });
    expect(awaitedFacts(e, undefined)).toEqual([
      'demographics of patient p1',
      'the lab result of order o1 (XN-CBC)',
      'the imaging result of order o2 (CT)',
    ]);
  });

  it('waits for nothing once they are there, nor for reversed lines', () => {
    const e = episode({
      charges: [charge({}), charge({ chargeId: 'c2', sourceId: 'o9', reversed: true })],
      results: [{ orderId: 'o1' } as EpisodeFacts['results'][number]],
    });
    expect(awaitedFacts(e, patient)).toEqual([]);
  });
});

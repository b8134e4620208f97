import { dischargeDetailProblems } from './encounter';

const REFERRAL = { toFacility: '79002', reasonCode: '1' };
const fields = (ps: { field: string }[]) => ps.map((p) => p.field);

describe('dischargeDetailProblems (the spec §1.7 rows 32, 37, 41, 62; §1.11)', () => {
  it('needs the referral letter exactly for the referred discharge types 2 and 5', () => {
    expect(dischargeDetailProblems('2', { referral: REFERRAL }, '2026-11-20', '79001')).toEqual([]);
    expect(dischargeDetailProblems('5', { referral: REFERRAL }, '2026-11-20', '79001')).toEqual([]);
    expect(fields(dischargeDetailProblems('2', {}, '2026-11-20', '79001'))).toEqual(['referral']);
    expect(fields(dischargeDetailProblems('5', { referral: null }, '2026-11-20', '79001'))).toEqual([
      'referral',
    ]);
    for (const type of ['1', '3', '4'])
      expect(fields(dischargeDetailProblems(type, { referral: REFERRAL }, '2026-11-20', '79001'))).toEqual([
        'referral',
      ]);
  });

  it('refuses a referral to this very facility', () => {
    expect(
      fields(
        dischargeDetailProblems(
          '2',
          { referral: { ...REFERRAL, toFacility: '79001' } },
          '2026-11-20',
          '79001',
        ),
      ),
    ).toEqual(['referral.toFacility']);
  });

  it('takes a follow-up day from the discharge day on, and only a calendar day', () => {
    expect(dischargeDetailProblems('1', { followUpDate: '2026-11-20' }, '2026-11-20', '79001')).toEqual([]);
    expect(dischargeDetailProblems('1', { followUpDate: '2026-12-01' }, '2026-11-20', '79001')).toEqual([]);
    expect(dischargeDetailProblems('1', { followUpDate: '2026-11-19' }, '2026-11-20', '79001')).toEqual([
      { field: 'followUpDate', reason: '2026-11-19 is before the discharge day 2026-11-20' },
    ]);
    expect(
      fields(dischargeDetailProblems('1', { followUpDate: '2026-02-30' }, '2026-01-20', '79001')),
    ).toEqual(['followUpDate']);
  });

  it('reports every problem at once', () => {
    expect(
      fields(dischargeDetailProblems('2', { followUpDate: '2026-11-01' }, '2026-11-20', '79001')),
    ).toEqual(['referral', 'followUpDate']);
  });
});

import { alignToSlot, chooseSlot, firstFreeSlot, type StationLoad } from './scheduling';

// Facility time (UTC+7) in the tests: 09:07 local = 02:07Z.
const local = (hhmm: string, day = '2026-11-22') => new Date(`${day}T${hhmm}:00+07:00`);

describe('scheduling rule', () => {
  it('aligns to the slot grid from the facility midnight', () => {
    expect(alignToSlot(local('09:07'), 15)).toEqual(local('09:15'));
    expect(alignToSlot(local('09:15'), 15)).toEqual(local('09:15'));
    expect(alignToSlot(local('09:07'), 20)).toEqual(local('09:20'));
    expect(alignToSlot(local('23:50'), 15)).toEqual(local('00:00', '2026-11-23'));
  });

  it('takes the first slot no scheduled step overlaps', () => {
    expect(firstFreeSlot(local('09:07'), 15, [])).toEqual(local('09:15'));
    expect(firstFreeSlot(local('09:07'), 15, [local('09:15'), local('09:30')])).toEqual(local('09:45'));
    // A STAT step put at 09:20 ("now" then) blocks 09:15 and 09:30 (each step is one slot long).
    expect(firstFreeSlot(local('09:07'), 15, [local('09:20')])).toEqual(local('09:45'));
    // A gap is used.
    expect(firstFreeSlot(local('09:07'), 15, [local('09:15'), local('09:45')])).toEqual(local('09:30'));
  });

  const stations = (taken: Record<string, Date[]>, dept: Record<string, string | null> = {}): StationLoad[] =>
    Object.entries(taken).map(([aeTitle, t]) => ({
      aeTitle,
      departmentCode: dept[aeTitle] ?? null,
      slotMinutes: 15,
      taken: t,
    }));

  it('chooses the station with the earliest free slot, ties by AE title', () => {
    const now = local('09:07');
    expect(
      chooseSlot(stations({ CT_B: [], CT_A: [local('09:15')] }), {
        departmentCode: null,
        priority: 'routine',
        now,
      }),
    ).toEqual({ aeTitle: 'CT_B', start: local('09:15') });
    expect(
      chooseSlot(stations({ CT_B: [], CT_A: [] }), { departmentCode: null, priority: 'routine', now }),
    ).toEqual({ aeTitle: 'CT_A', start: local('09:15') });
  });

  it("keeps the order's performing department on its own stations when it has any", () => {
    const now = local('09:07');
    const s = stations({ CT_A: [local('09:15')], CT_B: [] }, { CT_A: 'CDHA', CT_B: 'CC' });
    expect(chooseSlot(s, { departmentCode: 'CDHA', priority: 'routine', now })).toEqual({
      aeTitle: 'CT_A',
      start: local('09:30'),
    });
    expect(chooseSlot(s, { departmentCode: 'K01', priority: 'routine', now })?.aeTitle).toBe('CT_B');
  });

  it('schedules STAT and urgent orders now, on the least busy station', () => {
    const now = local('09:07');
    const s = stations({ CT_A: [local('09:15')], CT_B: [] });
    expect(chooseSlot(s, { departmentCode: null, priority: 'stat', now })).toEqual({
      aeTitle: 'CT_B',
      start: now,
    });
    expect(chooseSlot(s, { departmentCode: null, priority: 'urgent', now })).toEqual({
      aeTitle: 'CT_B',
      start: now,
    });
  });

  it('finds nothing without stations', () => {
    expect(chooseSlot([], { departmentCode: null, priority: 'routine', now: new Date() })).toBeUndefined();
  });
});

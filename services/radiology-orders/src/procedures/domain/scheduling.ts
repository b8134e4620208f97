import type { Priority } from '../../shared/domain/codes';
import { facilityDate, facilityMidnight } from '../../shared/domain/dates';

/**
 * The scheduling rule (README "Scheduling"): an imaging order becomes one scheduled procedure step on a station
 * of its modality.
 *
 * 1. Candidates: the active stations of the order's modality; those of the order's performing department when
 *    any is (a hospital with CTs in two buildings keeps each department's patients on its own).
 * 2. Slots: each station has a slot length (minutes); slots are aligned to the facility's midnight (UTC+7). A
 *    routine order takes the first slot starting at or after now that does not overlap another scheduled step on
 *    the station (each step occupies one slot length from its start).
 * 3. The station is the candidate with the earliest free slot (ties: by AE title).
 * 4. STAT and urgent orders are scheduled "now" (the current time, not a slot), on that same station: they go to
 *    the head of its worklist; the next routine slots move around them.
 * There are no opening hours: imaging in a provincial hospital runs around the clock for the emergency department.
 */
export interface StationLoad {
  aeTitle: string;
  departmentCode: string | null;
  slotMinutes: number;
  /** Starts of the steps still scheduled on the station (not started, not cancelled). */
  taken: Date[];
}

/** The first slot boundary at or after `at` (slots counted from the facility's midnight of that day). */
export function alignToSlot(at: Date, slotMinutes: number): Date {
  const midnight = facilityMidnight(facilityDate(at)).getTime();
  const len = slotMinutes * 60_000;
  return new Date(midnight + Math.ceil((at.getTime() - midnight) / len) * len);
}

/** The first aligned slot from `from` that overlaps none of the taken steps (each one slot long). */
export function firstFreeSlot(from: Date, slotMinutes: number, taken: readonly Date[]): Date {
  const len = slotMinutes * 60_000;
  const starts = taken.map((t) => t.getTime());
  let c = alignToSlot(from, slotMinutes).getTime();
  // Bounded: at most one step per taken start can push the candidate on.
  for (let i = 0; i <= starts.length; i++) {
    const clash = starts.filter((t) => Math.abs(t - c) < len);
    if (clash.length === 0) return new Date(c);
    c = alignToSlot(new Date(Math.max(...clash) + len), slotMinutes).getTime();
  }
  return new Date(c);
}

export function chooseSlot(
  stations: readonly StationLoad[],
  order: { departmentCode: string | null; priority: Priority; now: Date },
): { aeTitle: string; start: Date } | undefined {
  const own = stations.filter((s) => order.departmentCode && s.departmentCode === order.departmentCode);
  const candidates = (own.length ? own : stations)
    .map((s) => ({ aeTitle: s.aeTitle, start: firstFreeSlot(order.now, s.slotMinutes, s.taken) }))
    .sort((a, b) => a.start.getTime() - b.start.getTime() || (a.aeTitle < b.aeTitle ? -1 : 1));
  const best = candidates[0];
  if (!best) return undefined;
  return order.priority === 'routine' ? best : { aeTitle: best.aeTitle, start: order.now };
}

import { advances, allows } from './procedure';

describe('procedure status machine', () => {
  it('moves forward only', () => {
    expect(advances('scheduled', 'in-progress')).toBe(true);
    expect(advances('scheduled', 'completed')).toBe(true);
    expect(advances('in-progress', 'completed')).toBe(true);
    expect(advances('completed', 'reported')).toBe(true);
    expect(advances('requested', 'in-progress')).toBe(true);
    // Late or repeated news changes nothing.
    expect(advances('completed', 'in-progress')).toBe(false);
    expect(advances('in-progress', 'in-progress')).toBe(false);
    expect(advances('reported', 'completed')).toBe(false);
  });

  it('discontinues only before completion; discontinued, cancelled and reported are terminal', () => {
    expect(advances('scheduled', 'discontinued')).toBe(true);
    expect(advances('in-progress', 'discontinued')).toBe(true);
    expect(advances('completed', 'discontinued')).toBe(false);
    expect(advances('discontinued', 'completed')).toBe(false);
    expect(advances('discontinued', 'reported')).toBe(false);
    expect(advances('cancelled', 'in-progress')).toBe(false);
    expect(advances('reported', 'discontinued')).toBe(false);
  });

  it('allows rescheduling and cancelling until the modality starts', () => {
    expect(allows('requested', 'reschedule')).toBe(true);
    expect(allows('scheduled', 'reschedule')).toBe(true);
    expect(allows('in-progress', 'reschedule')).toBe(false);
    expect(allows('scheduled', 'cancel')).toBe(true);
    expect(allows('in-progress', 'cancel')).toBe(false);
    expect(allows('cancelled', 'cancel')).toBe(false);
  });

  it('reports performed procedures; outside reports on anything not cancelled or discontinued', () => {
    expect(allows('scheduled', 'report')).toBe(false);
    expect(allows('in-progress', 'report')).toBe(true);
    expect(allows('completed', 'report')).toBe(true);
    expect(allows('discontinued', 'report')).toBe(false);
    expect(allows('scheduled', 'external-report')).toBe(true);
    expect(allows('cancelled', 'external-report')).toBe(false);
    expect(allows('discontinued', 'external-report')).toBe(false);
  });
});

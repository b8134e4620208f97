import { allows, isLiveTest } from './specimen';

describe('specimen lifecycle', () => {
  it('collects a labelled tube, receives a labelled or collected one, rejects any not yet rejected', () => {
    expect(allows('labelled', 'collect')).toBe(true);
    expect(allows('collected', 'collect')).toBe(false);
    expect(allows('labelled', 'receive')).toBe(true);
    expect(allows('collected', 'receive')).toBe(true);
    expect(allows('received', 'receive')).toBe(false);
    expect(allows('received', 'reject')).toBe(true);
    expect(allows('rejected', 'reject')).toBe(false);
    expect(allows('cancelled', 'receive')).toBe(false);
  });

  it('counts ordered, resulted and final tests as live', () => {
    expect(['ordered', 'resulted', 'final'].every((s) => isLiveTest(s as never))).toBe(true);
    expect(isLiveTest('cancelled')).toBe(false);
    expect(isLiveTest('rejected')).toBe(false);
  });
});

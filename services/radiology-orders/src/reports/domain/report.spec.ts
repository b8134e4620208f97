import { addendumFindings, allowsReport } from './report';

describe('report lifecycle', () => {
  it('edits until signed, signs once, amends only a final report', () => {
    expect(allowsReport('draft', 'edit')).toBe(true);
    expect(allowsReport('preliminary', 'edit')).toBe(true);
    expect(allowsReport('final', 'edit')).toBe(false);
    expect(allowsReport('draft', 'preliminary')).toBe(true);
    expect(allowsReport('preliminary', 'preliminary')).toBe(false);
    expect(allowsReport('draft', 'finalize')).toBe(true);
    expect(allowsReport('preliminary', 'finalize')).toBe(true);
    expect(allowsReport('final', 'finalize')).toBe(false);
    expect(allowsReport('final', 'addendum')).toBe(true);
    expect(allowsReport('amended', 'addendum')).toBe(false);
    expect(allowsReport('draft', 'addendum')).toBe(false);
  });

  it('raises critical findings on every live state', () => {
    for (const s of ['draft', 'preliminary', 'final'] as const)
      expect(allowsReport(s, 'critical-finding')).toBe(true);
    expect(allowsReport('amended', 'critical-finding')).toBe(false);
  });

  it('appends the addendum under a dated heading', () => {
    expect(
      addendumFindings(
        'No fracture.',
        'Subtle fracture of the 5th rib.',
        'bs-minh',
        new Date('2026-11-22T03:00:00Z'),
      ),
    ).toBe('No fracture.\n\nADDENDUM 2026-11-22T03:00:00.000Z (bs-minh):\nSubtle fracture of the 5th rib.');
  });
});

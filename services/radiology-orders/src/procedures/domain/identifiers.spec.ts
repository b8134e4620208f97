import { uuidToDicomUid } from '../../shared/domain/dicom';
import { accessionNumber, scheduledStepId } from './identifiers';

describe('RIS identifiers', () => {
  it('numbers accessions modality + YYMMDD + a daily sequence of at least 4 digits', () => {
    expect(accessionNumber('CT', '2026-11-22', 7)).toBe('CT2611220007');
    expect(accessionNumber('MR', '2026-01-05', 12345)).toBe('MR26010512345');
    expect(accessionNumber(null, '2026-11-22', 1)).toBe('OT2611220001');
  });

  it('keeps the accession number within DICOM SH (16 characters)', () => {
    expect(() => accessionNumber('XXXX', '2026-11-22', 1234567)).toThrow(/16/);
  });

  it('makes the step id from the accession number, or the accession number itself past 16 characters', () => {
    expect(scheduledStepId('CT2611220007')).toBe('CT2611220007-1');
    expect(scheduledStepId('CT2611220007', 2)).toBe('CT2611220007-2');
    expect(scheduledStepId('OPTX26112212345')).toBe('OPTX26112212345');
  });

  it('makes 2.25 Study Instance UIDs from UUIDs (PS3.5 B.2)', () => {
    expect(uuidToDicomUid('f81d4fae-7dec-11d0-a765-00a0c91e6bf6')).toBe(
      '2.25.329800735698586629295641978511506172918',
    );
    expect(uuidToDicomUid('00000000-0000-0000-0000-000000000001')).toBe('2.25.1');
    const uid = uuidToDicomUid('ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(() => uuidToDicomUid('not-a-uuid')).toThrow();
  });
});

import { birthDateToDa, toPersonName, worklistAttributes } from './worklist-to-dicom.mapper';

describe('worklist item to DICOM', () => {
  it('writes Vietnamese names family name first, and keeps names that have components', () => {
    expect(toPersonName('Nguyễn Văn An')).toBe('Nguyễn^Văn An');
    expect(toPersonName('  Lê   Thị  Hồng ')).toBe('Lê^Thị Hồng');
    expect(toPersonName('Tuấn')).toBe('Tuấn');
    expect(toPersonName('DOE^JOHN')).toBe('DOE^JOHN');
  });

  it('gives a DA only for a full birth date', () => {
    expect(birthDateToDa('1980-05-17')).toBe('19800517');
    expect(birthDateToDa('1980')).toBeUndefined();
    expect(birthDateToDa(null)).toBeUndefined();
  });

  it('puts the step in the Scheduled Procedure Step Sequence, local date and time, status', () => {
    const a = worklistAttributes(
      {
        procedureId: 'p',
        orderId: 'o',
        patientId: 'pat',
        accessionNumber: 'CT1',
        requestedProcedureId: 'RP1',
        scheduledStepId: 'SPS1',
        modality: 'CT',
        stationAeTitle: 'CT01',
        stationName: null,
        scheduledStart: new Date('2026-11-22T17:30:00Z'),
        procedureCode: { system: 'http://loinc.org', code: '30799-1', display: 'CT Head' },
        description: 'CT sọ',
        patientCode: 'BN1',
        patientName: 'Nguyễn Văn An',
        birthDate: null,
        sex: 'M',
        priority: null,
        referringPhysician: null,
        studyInstanceUid: null,
        status: 'in_progress',
      },
      'Asia/Ho_Chi_Minh',
    );
    const sps = a['00400100'].Value![0] as Record<string, { Value?: unknown[] }>;
    expect(sps['00400002'].Value).toEqual(['20261123']); // 00:30 the next day in Hanoi
    expect(sps['00400003'].Value).toEqual(['003000']);
    expect(sps['00400020'].Value).toEqual(['STARTED']);
    const code = a['00321064'].Value![0] as Record<string, { Value?: unknown[] }>;
    expect(code['00080102'].Value).toEqual(['LN']);
    expect(a['00100030']).toEqual({ vr: 'DA' });
  });
});

import { type ProcedureCandidate, reconcile, type StudyFacts } from './reconciliation';

const procedure: ProcedureCandidate = {
  procedureId: 'proc-1',
  orderId: 'order-1',
  patientId: 'pat-1',
  patientCode: 'BN001',
  patientName: 'Nguyễn Văn Đông',
  birthDate: '1980-05',
  sex: 'M',
  status: 'scheduled',
  studyInstanceUid: '1.2.3',
};
const study: StudyFacts = {
  studyInstanceUid: '1.2.3',
  accessionNumber: 'CT001',
  patientId: 'BN001',
  patientName: 'NGUYEN^VAN DONG',
  birthDate: '19800517',
  sex: 'M',
};

describe('reconcile', () => {
  it('links when the accession is scheduled and the demographics agree (names without diacritics)', () => {
    expect(reconcile(study, [procedure])).toEqual({ kind: 'reconciled', procedure });
  });

  it('ignores what the study does not say', () => {
    expect(reconcile({ ...study, patientName: null, birthDate: null, sex: 'O' }, [procedure]).kind).toBe(
      'reconciled',
    );
  });

  it('holds, with every disagreement', () => {
    const r = reconcile(
      { ...study, patientId: 'BN002', patientName: 'NGUYEN^VAN DUNG', birthDate: '19810101', sex: 'F' },
      [procedure],
    );
    expect(r).toEqual({
      kind: 'held',
      procedure,
      reasons: [
        'PatientID BN002 vs BN001',
        'PatientName NGUYEN^VAN DUNG vs Nguyễn^Văn Đông',
        'PatientBirthDate 19810101 vs 1980-05',
        'PatientSex F vs M',
      ],
    });
  });

  it('holds without an accession, without a procedure, or for a cancelled one', () => {
    expect(reconcile({ ...study, accessionNumber: ' ' }, [procedure])).toMatchObject({ kind: 'held' });
    expect(reconcile(study, [])).toEqual({
      kind: 'held',
      reasons: ['no scheduled procedure with accession CT001'],
    });
    expect(reconcile(study, [{ ...procedure, status: 'cancelled' }])).toMatchObject({
      kind: 'held',
      reasons: ['procedure proc-1 with accession CT001 was cancelled'],
    });
  });

  it('prefers the procedure that assigned the study its UID', () => {
    const other = { ...procedure, procedureId: 'proc-2', studyInstanceUid: '9.9' };
    expect(reconcile(study, [other, procedure])).toMatchObject({ procedure: { procedureId: 'proc-1' } });
  });
});

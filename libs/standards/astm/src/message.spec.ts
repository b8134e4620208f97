import {
  COBAS_QUERY,
  COBAS_RESULT,
  CUSTOM_DELIMITERS,
  E1394_QUERY,
  records,
  SYSMEX_XN_RESULT,
} from '../test/fixtures';
import { astmDateTimeToIso, formatAstmDateTime } from './datetime';
import { AstmParseError, parseAstm, parseAstmMessages } from './message';

describe('parseAstm: tree and typed accessors', () => {
  it('reads a Sysmex XN-style CBC result into H -> P -> O -> R', () => {
    const m = parseAstm(SYSMEX_XN_RESULT);
    expect(m.problems).toEqual([]);
    expect(m.header.senderName).toBe('XN-350');
    expect(m.header.sender).toEqual(['XN-350', '00-14', '11001', '', '', '', '12345678']);
    expect(m.header.version).toBe('E1394-97');
    expect(m.patients).toHaveLength(1);
    const p = m.patients[0];
    expect(p.sequence).toBe(1);
    // Sysmex puts its patient ID in P-5 (Patient ID No. 3), not P-3/P-4.
    expect(p.patientId3).toBe('BN0001');
    expect(p.labPatientId).toBeUndefined();
    expect(p.practicePatientId).toBeUndefined();
    expect(p.name).toEqual({
      last: undefined,
      first: 'NGUYEN',
      middle: 'VAN AN',
      suffix: undefined,
      title: undefined,
    });
    expect(p.birthDate).toBe('19800115');
    expect(p.sex).toBe('M');
    expect(p.comments.map((c) => c.commentText)).toEqual(['TEST PATIENT']);
    const o = p.orders[0];
    expect(o.specimenId).toBeUndefined();
    expect(o.instrumentSpecimenId).toBe('1001');
    expect(o.instrumentSpecimenIdComponents).toEqual(['', '', '                  1001', 'M']);
    expect(o.tests.map((t) => t.code)).toEqual(['WBC', 'RBC', 'HGB', 'PLT']);
    expect(o.actionCode).toBe('N');
    expect(o.reportType).toBe('F');
    expect(
      o.results.map((r) => [r.sequence, r.test.code, r.resultValue, r.units, r.abnormalFlag, r.status]),
    ).toEqual([
      [1, 'WBC', '7.85', '10*3/uL', 'N', 'F'],
      [2, 'RBC', '4.62', '10*6/uL', 'N', 'F'],
      [3, 'HGB', '10.2', 'g/dL', 'L', 'F'],
      [4, 'PLT', '512', '10*3/uL', 'H', 'F'],
      [5, 'SCAT_WDF', 'PNG\\20250301\\WDF_1001.PNG', undefined, 'N', 'F'],
    ]);
    expect(o.results[0].test.extra).toEqual(['WBC', '1']);
    expect(o.results[0].completedAt).toBe('20250301093000');
    expect(m.results).toHaveLength(5);
    expect(m.terminationCode).toBe('N');
    expect(m.isQuery).toBe(false);
    expect(m.toString()).toBe(SYSMEX_XN_RESULT);
  });

  it('reads a cobas-style result: barcode with instrument components, comments on results', () => {
    const m = parseAstm(COBAS_RESULT);
    expect(m.header.senderName).toBe('c311');
    expect(m.header.receiverId).toBe('host');
    expect(m.header.specialInstructions).toEqual(['RSUPL', 'REAL']);
    expect(m.header.processingId).toBe('P');
    expect(m.header.version).toBe('1');
    const o = m.orders[0];
    expect(o.specimenId).toBe('2503010001');
    expect(o.specimenIdComponents).toEqual(['2503010001', '0', '1', '', 'S1', 'SC']);
    expect(o.instrumentSpecimenId).toBe('R1');
    expect(o.tests.map((t) => [t.localCode, t.code])).toEqual([
      ['GLU', 'GLU'],
      ['CREA', 'CREA'],
    ]);
    expect(o.priority).toBe('R');
    expect(o.resultsReportedAt).toBe('20250301101500');
    expect(o.results.map((r) => r.comments.map((c) => [c.source, c.textComponents, c.commentType]))).toEqual([
      [['I', ['0'], 'I']],
      [['I', ['0'], 'I']],
    ]);
    expect(o.results[1].abnormalFlag).toBe('H');
    expect(o.results[1].instrumentId).toBe('P1');
  });

  it('reads host queries: the barcode in Q-3 component 2 (E1394) or 3 (cobas), ALL tests, status O', () => {
    const cobas = parseAstm(COBAS_QUERY);
    expect(cobas.isQuery).toBe(true);
    const q = cobas.queries[0];
    expect(q.specimenId).toBe('2503010001');
    expect(q.startingRange.slice(0, 4)).toEqual(['', '', '2503010001', '0']);
    expect(q.allTests).toBe(true);
    expect(q.statusCode).toBe('O');
    const std = parseAstm(E1394_QUERY);
    expect(std.queries[0].specimenId).toBe('2503010002');
    expect(std.queries[0].patientId).toBeUndefined();
    expect(std.header.timestampIso).toBe('2025-03-01T09:00:00');
    expect(parseAstm(records('H|\\^&', 'Q|1|BARCODE9||ALL', 'L|1|N')).queries[0].specimenId).toBe('BARCODE9');
  });

  it('uses the delimiters the header declares (GeneXpert: H|@^\\)', () => {
    const m = parseAstm(CUSTOM_DELIMITERS);
    expect(m.delimiters).toEqual({ field: '|', repeat: '@', component: '^', escape: '\\' });
    expect(m.patients[0].nameText).toBe('TRAN THI B');
    expect(m.orders[0].tests.map((t) => t.code)).toEqual(['Xpert MTB-RIF', 'Xpert HIV-1 VL']);
    const r = m.results[0];
    expect(r.test.code).toBe('Xpert HIV-1 VL');
    expect(r.test.extra).toEqual(['HIV-1', '']);
    expect(r.resultValue).toBe('1.2E3 copies/mL^log 3.08'); // \S\ is an escaped component delimiter
  });

  it('decodes bytes as UTF-8 when valid (Vietnamese names) and as Latin-1 otherwise', () => {
    const text = records('H|\\^&', 'P|1||BN9||NGUYỄN^THỊ MINH KHAI', 'L|1|N');
    const utf8 = parseAstm(Buffer.from(text, 'utf8'));
    expect(utf8.encoding).toBe('utf8');
    expect(utf8.patients[0].name.last).toBe('NGUYỄN');
    expect(utf8.patients[0].nameText).toBe('NGUYỄN THỊ MINH KHAI');
    const latin = parseAstm(Buffer.from(records('H|\\^&', 'P|1||BN9||MÜLLER^JOSÉ', 'L|1|N'), 'latin1'));
    expect(latin.encoding).toBe('latin1');
    expect(latin.patients[0].nameText).toBe('MÜLLER JOSÉ');
    // Forced per connection: UTF-8 bytes read as Latin-1 when configured so.
    expect(parseAstm(Buffer.from(text, 'utf8'), { encoding: 'latin1' }).patients[0].name.last).not.toBe(
      'NGUYỄN',
    );
    expect(utf8.toBuffer()).toEqual(Buffer.from(text, 'utf8'));
  });

  it('reads LF and CRLF record ends, several messages, and notes what does not fit', () => {
    const two = 'H|\\^&\nP|1\nO|1|S1||^^^GLU\nR|1|^^^GLU|5\nL|1|N\r\nH|\\^&\r\nR|1|^^^NA|140\r\nL|1|N\r\n';
    const messages = parseAstmMessages(two);
    expect(messages).toHaveLength(2);
    expect(messages[0].results[0].resultValue).toBe('5');
    expect(messages[0].problems).toEqual([]);
    expect(messages[1].resultsWithoutOrder.map((r) => r.test.code)).toEqual(['NA']);
    expect(messages[1].problems).toEqual(['record 2: result (R) with no order (O) before it']);
    const one = parseAstm(two);
    expect(one.problems).toContain('1 more message(s) after this one were not read');
    const noL = parseAstm('junk\rH|\\^&\rP|1\rO|1|X||^^^A\r');
    expect(noL.problems).toEqual([
      '1 record(s) before the first header were ignored',
      'no terminator record (L)',
    ]);
    expect(noL.orders[0].specimenId).toBe('X');
    const noP = parseAstm('H|\\^&\rO|1|X||^^^A\rM|1|VENDOR|x\rL|1|N\r');
    expect(noP.ordersWithoutPatient).toHaveLength(1);
    expect(noP.orders[0].extensions.map((e) => e.type)).toEqual(['M']);
  });

  it('throws AstmParseError only when the input cannot be read', () => {
    expect(() => parseAstm('P|1\rL|1|N\r')).toThrow(AstmParseError);
    try {
      parseAstm('H|\\^\r');
    } catch (e) {
      expect((e as AstmParseError).code).toBe('BAD_DELIMITERS');
    }
    expect(() => parseAstm('H|\\^\r')).toThrow(AstmParseError);
  });

  it('reads fields by number: raw, components, repetitions, unescaped values', () => {
    const m = parseAstm(records('H|\\^&', 'P|1|A&F&B|C^D&S&E\\F', 'L|1|N'));
    const p = m.patients[0];
    expect(p.field(3)).toBe('A&F&B');
    expect(p.value(3)).toBe('A|B');
    expect(p.components(4)).toEqual(['C', 'D^E']);
    expect(p.repetitions(4)).toEqual(['C^D&S&E', 'F']);
    expect(p.value(4, 1, 2)).toBe('F');
    expect(p.fieldText(4)).toBe('C^D^E\\F');
    expect(p.value(40)).toBeUndefined();
    expect(m.header.field(2)).toBe('\\^&');
  });
});

describe('dates', () => {
  it('formats and converts YYYYMMDD[HHMMSS]', () => {
    expect(formatAstmDateTime(new Date(Date.UTC(2025, 2, 1, 9, 5, 7)), { utc: true })).toBe('20250301090507');
    expect(formatAstmDateTime(new Date(2025, 0, 2), { dateOnly: true })).toBe('20250102');
    expect(astmDateTimeToIso('20250301093000')).toBe('2025-03-01T09:30:00');
    expect(astmDateTimeToIso('202503010930')).toBe('2025-03-01T09:30:00');
    expect(astmDateTimeToIso('20250301')).toBe('2025-03-01');
    expect(astmDateTimeToIso('20251301')).toBeUndefined();
    expect(astmDateTimeToIso('')).toBeUndefined();
  });
});

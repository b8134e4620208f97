import { COBAS_QUERY, E1394_QUERY, records } from '../test/fixtures';
import { AstmBuilder, buildQueryResponse, buildWorkOrderMessage, raw, repeat } from './builder';
import { parseAstm } from './message';

const T = '20250301100000';

describe('AstmBuilder', () => {
  it('writes H/P/O/L with numbering, escapes and trailing empty fields dropped', () => {
    const m = new AstmBuilder({ sender: ['LIS', '1.0'], receiver: 'XN-350', timestamp: T })
      .patient({
        practicePatientId: 'BN001',
        name: { last: 'NGUYỄN', first: 'VĂN AN' },
        birthDate: '19800115',
        sex: 'M',
      })
      .order({ specimenId: '2503010001', tests: ['GLU', 'CREA'], collectedAt: '20250301080000' })
      .comment('fasting | 8h ^ yes')
      .order({ specimenId: '2503010002', tests: [['', '', '', '', 'WBC', '1']], priority: 'S' })
      .patient({ practicePatientId: 'BN002' })
      .order({ specimenId: '2503010003', tests: [{ localCode: 'NA' }] })
      .toString();
    expect(m).toBe(
      records(
        `H|\\^&|||LIS^1.0|||||XN-350||P|LIS2-A2|${T}`,
        'P|1|BN001|||NGUYỄN^VĂN AN||19800115|M',
        'O|1|2503010001||^^^GLU\\^^^CREA|R||20250301080000||||N||||||||||||||O',
        'C|1|L|fasting &F& 8h &S& yes|G',
        'O|2|2503010002||^^^^WBC^1|S||||||N||||||||||||||O',
        'P|2|BN002',
        'O|1|2503010003||^^^NA|R||||||N||||||||||||||O',
        'L|1|N',
      ),
    );
    const parsed = parseAstm(m);
    expect(parsed.problems).toEqual([]);
    expect(parsed.patients[0].orders[0].comments[0].commentText).toBe('fasting | 8h ^ yes');
    expect(parsed.patients[1].orders[0].sequence).toBe(1);
  });

  it('simulates an analyzer: results, queries, repeat() and raw(), other record types', () => {
    const m = new AstmBuilder({
      sender: 'c311',
      timestamp: T,
      delimiters: { field: '|', repeat: '@', component: '^', escape: '\\' },
    })
      .patient()
      .order({ specimenId: ['S1', '0', '1'], tests: ['GLU'], reportType: 'F' })
      .result({
        test: 'GLU',
        value: 5.4,
        units: 'mmol/l',
        referenceRange: '3.9-6.4',
        abnormalFlag: 'N',
        completedAt: T,
      })
      .comment({ text: 'x@y', source: 'I', type: 'I' })
      .result({ test: 'NA', value: repeat('140', raw('^H')), status: 'P' })
      .record('M', { 3: 'VENDOR', 4: 'data' })
      .query({ specimenId: 'S1' })
      .toString();
    expect(m).toBe(
      records(
        `H|@^\\|||c311|||||||P|LIS2-A2|${T}`,
        'P|1',
        'O|1|S1^0^1||^^^GLU|R||||||N||||||||||||||F',
        `R|1|^^^GLU|5.4|mmol/l|3.9-6.4|N||F||||${T}`,
        'C|1|I|x\\R\\y|I',
        'R|2|^^^NA|140@^H|||||P',
        'M|1|VENDOR|data',
        'Q|1|^S1||^^^ALL||||||||O',
        'L|1|N',
      ),
    );
    expect(parseAstm(m).results[0].comments[0].commentText).toBe('x@y');
    expect(() => new AstmBuilder().result({ test: 'X' })).toThrow(/order/);
    expect(() => new AstmBuilder().terminator().patient()).toThrow(/terminator/);
  });
});

describe('host answers', () => {
  it('answers a query with the work orders: delimiters and processing ID echoed, H-10 = query sender, O-26 = Q', () => {
    const query = parseAstm(COBAS_QUERY);
    const answer = buildQueryResponse(
      query,
      [
        {
          specimenId: '2503010001',
          tests: ['GLU', 'CREA'],
          patient: { practicePatientId: 'BN001', name: ['NGUYỄN', 'VĂN AN'], sex: 'M' },
          comments: ['KHOA NỘI'],
        },
        { specimenId: '2503010001', tests: ['ALT'], patient: { practicePatientId: 'BN001' } },
      ],
      { sender: 'LIS', timestamp: T },
    );
    expect(answer.toString()).toBe(
      records(
        `H|\\^&|||LIS|||||c311^1||P|LIS2-A2|${T}`,
        'P|1|BN001|||NGUYỄN^VĂN AN|||M',
        'O|1|2503010001||^^^GLU\\^^^CREA|R||||||N||||||||||||||Q',
        'C|1|L|KHOA NỘI|G',
        'O|2|2503010001||^^^ALT|R||||||N||||||||||||||Q',
        'L|1|N',
      ),
    );
    expect(answer.header.receiver).toEqual(['c311', '1']);
  });

  it('answers "no information" with H and L|1|I', () => {
    const answer = buildQueryResponse(parseAstm(E1394_QUERY), [], { sender: 'LIS', timestamp: T });
    expect(answer.recordTexts()).toEqual([`H|\\^&|||LIS|||||XN-350^00-14^11001||P|LIS2-A2|${T}`, 'L|1|I']);
    expect(answer.terminationCode).toBe('I');
  });

  it('pushes work orders with O-26 = O and escapes values', () => {
    const m = buildWorkOrderMessage([{ specimenId: 'A|B', tests: ['GLU'], priority: 'S', actionCode: 'A' }], {
      timestamp: T,
    });
    expect(m.recordTexts()).toEqual([
      `H|\\^&||||||||||P|LIS2-A2|${T}`,
      'P|1',
      'O|1|A&F&B||^^^GLU|S||||||A||||||||||||||O',
      'L|1|N',
    ]);
    expect(m.orders[0].specimenId).toBe('A|B');
  });
});

import { fixture, FIXTURES } from '../test/fixtures';
import { formatErrorLocation, Hl7ValidationError } from './errors';
import { parseHl7 } from './parser';
import { validateHeader } from './validate';

const msh = (fields: Record<number, string>): string => {
  const base: Record<number, string> = {
    3: 'A',
    4: 'B',
    5: 'C',
    6: 'D',
    7: '2024',
    9: 'ORU^R01^ORU_R01',
    10: 'X1',
    11: 'P',
    12: '2.5.1',
    ...fields,
  };
  const parts = Array.from({ length: 18 }, (_, i) => base[i + 3] ?? '');
  return `MSH|^~\\&|${parts.join('|')}\rPID|1\r`;
};

describe('validateHeader (HL7 v2.5.1 §2.9.2)', () => {
  it('accepts every fixture', () => {
    for (const name of Object.values(FIXTURES)) {
      expect(validateHeader(parseHl7(fixture(name)))).toEqual([]);
    }
  });

  it.each([
    [{ 9: '' }, '101', 'MSH-9-1', 'AE'],
    [{ 9: 'ORU' }, '101', 'MSH-9-2', 'AE'],
    [{ 10: '' }, '101', 'MSH-10', 'AE'],
    [{ 11: '' }, '101', 'MSH-11', 'AE'],
    [{ 11: 'X' }, '202', 'MSH-11', 'AR'],
    [{ 12: '' }, '101', 'MSH-12', 'AE'],
    [{ 12: '2.9' }, '203', 'MSH-12', 'AR'],
    [{ 18: 'KLINGON' }, '103', 'MSH-18', 'AE'],
  ])('%j -> %s at %s (%s)', (fields, code, where, ackCode) => {
    const errors = validateHeader(parseHl7(msh(fields)));
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toBeInstanceOf(Hl7ValidationError);
    expect(error.code).toBe(code);
    expect(formatErrorLocation(error.location!)).toBe(where);
    expect(error.location?.segment).toBe('MSH');
    expect(error.ackCode).toBe(ackCode);
    expect(error.message.startsWith(`${where}: `)).toBe(true);
  });

  it('reports every problem, in field order', () => {
    const errors = validateHeader(parseHl7(msh({ 9: '', 10: '', 12: '3.0' })));
    expect(errors.map((e) => [e.code, e.location?.field])).toEqual([
      ['101', 9],
      ['101', 10],
      ['203', 12],
    ]);
  });

  it('an ACK needs no trigger event', () => {
    expect(validateHeader(parseHl7(msh({ 9: 'ACK' })))).toEqual([]);
  });

  it('applies a policy of message types, versions and processing IDs', () => {
    const policy = { messageTypes: ['ORU^R01', 'OUL^R22', 'QBP'], versions: ['2.5.1'], processingIds: ['P'] };
    expect(validateHeader(parseHl7(msh({})), policy)).toEqual([]);
    expect(validateHeader(parseHl7(msh({ 9: 'QBP^Q11' })), policy)).toEqual([]);
    expect(validateHeader(parseHl7(msh({ 9: 'ADT^A01' })), policy).map((e) => e.code)).toEqual(['200']);
    expect(
      validateHeader(parseHl7(msh({ 9: 'ORU^R30' })), policy).map((e) => [e.code, e.location?.component]),
    ).toEqual([['201', 2]]);
    expect(validateHeader(parseHl7(msh({ 12: '2.3', 11: 'T' })), policy).map((e) => e.code)).toEqual([
      '202',
      '203',
    ]);
  });
});

describe('Hl7ValidationError', () => {
  it('carries the code, its text, the location and the severity', () => {
    const e = new Hl7ValidationError(
      '102',
      'PID-7 is not a date',
      { segment: 'PID', field: 7 },
      { severity: 'W' },
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('Hl7ValidationError');
    expect(e.message).toBe('PID-7: PID-7 is not a date');
    expect(e.codeText).toBe('Data type error');
    expect(e.severity).toBe('W');
    expect(e.diagnostics).toBe('PID-7 is not a date');
  });

  it('formats locations in path notation', () => {
    expect(formatErrorLocation({ segment: 'MSH' })).toBe('MSH');
    expect(
      formatErrorLocation({
        segment: 'OBX',
        sequence: 3,
        field: 5,
        repetition: 2,
        component: 1,
        subcomponent: 2,
      }),
    ).toBe('OBX[3]-5(2)-1-2');
  });
});

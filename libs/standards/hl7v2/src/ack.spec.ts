import { fixture, FIXTURES } from '../test/fixtures';
import { ackCodeFor, ackCodeForErrors, ackModeOf, buildAck, buildAckForUnparsed, newControlId } from './ack';
import { Hl7ValidationError } from './errors';
import { parseHl7 } from './parser';
import { MessageErrorCode } from './table-0357';

const now = new Date(Date.UTC(2024, 2, 15, 3, 31, 0));

describe('buildAck (HL7 v2.5.1 §2.9, MSA §2.15.8, ERR §2.15.5)', () => {
  const oru = parseHl7(fixture(FIXTURES.oruChemistry));

  it('answers AA with MSA-2 = MSH-10 and the sending/receiving application and facility swapped', () => {
    const ack = buildAck(oru, { code: 'AA', now, controlId: 'ACK0001' });
    expect(ack.segments.map((s) => s.id)).toEqual(['MSH', 'MSA']);
    expect(ack.getRaw('MSH-3')).toBe('LIS');
    expect(ack.getRaw('MSH-4')).toBe('BVDKT');
    expect(ack.getRaw('MSH-5')).toBe('cobas c311^0000000001^L');
    expect(ack.getRaw('MSH-6')).toBe('BVDKT');
    expect(ack.getRaw('MSH-9')).toBe('ACK^R01^ACK');
    expect(ack.controlId).toBe('ACK0001');
    expect(ack.processingId).toBe('P');
    expect(ack.version).toBe('2.5.1');
    expect(ack.get('MSH-18')).toBe('UNICODE UTF-8');
    expect([ack.get('MSA-1'), ack.get('MSA-2')]).toEqual(['AA', 'C311-000482']);
    expect(ack.toString()).toMatch(/\rMSA\|AA\|C311-000482\r$/);
  });

  it('makes a fresh control ID of at most 20 characters each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newControlId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Z]{20}$/);
    expect(buildAck(oru, { code: 'AA' }).controlId).toHaveLength(20);
  });

  it('answers AE with one ERR per error in the v2.5 layout: ERR-2 location, ERR-3 code, ERR-4 severity', () => {
    const ack = buildAck(oru, {
      code: 'AE',
      now,
      errors: [
        new Hl7ValidationError(
          MessageErrorCode.RequiredFieldMissing,
          'PID-3 patient identifier is required',
          {
            segment: 'PID',
            field: 3,
          },
        ),
        {
          code: MessageErrorCode.TableValueNotFound,
          location: { segment: 'OBX', sequence: 3, field: 3, repetition: 1, component: 1 },
          severity: 'W',
          applicationErrorCode: 'UNMAPPED',
          diagnostics: 'no code map for 14682-9',
          userMessage: 'Mã xét nghiệm chưa được ánh xạ',
        },
      ],
    });
    expect(ack.segments.map((s) => s.id)).toEqual(['MSH', 'MSA', 'ERR', 'ERR']);
    expect(ack.getSegment('ERR', 1)?.raw).toBe(
      'ERR||PID^1^3|101^Required field missing^HL70357|E|||PID-3 patient identifier is required',
    );
    expect(ack.getSegment('ERR', 2)?.raw).toBe(
      'ERR||OBX^3^3^1^1|103^Table value not found^HL70357|W|UNMAPPED||no code map for 14682-9|Mã xét nghiệm chưa được ánh xạ',
    );
    expect(ack.get('MSA-6')).toBeUndefined();
  });

  it('escapes error texts', () => {
    const ack = buildAck(oru, {
      code: 'AE',
      errors: [{ code: MessageErrorCode.ApplicationInternalError, diagnostics: 'db|down^now' }],
      textMessage: 'lỗi ~ tạm thời',
    });
    expect(ack.getRaw('ERR-7')).toBe('db\\F\\down\\S\\now');
    expect(ack.get('ERR-7')).toBe('db|down^now');
    expect(ack.get('MSA-3')).toBe('lỗi ~ tạm thời');
    expect(ack.getRaw('ERR-2')).toBe('');
  });

  it.each([['2.3'], ['2.3.1'], ['2.4']])('uses ERR-1 (ELD) and MSA-6 for v%s', (version) => {
    const msg = parseHl7(`MSH|^~\\&|PAS|CLINIQUE|GW|BVDKT|2004||ADT^A01|PAS-771|P|${version}\rPID|1\r`);
    const ack = buildAck(msg, {
      code: 'AE',
      now,
      errors: [
        { code: MessageErrorCode.RequiredFieldMissing, location: { segment: 'PID', field: 3 } },
        { code: MessageErrorCode.RequiredFieldMissing, location: { segment: 'PID', field: 5 } },
      ],
    });
    expect(ack.segments.map((s) => s.id)).toEqual(['MSH', 'MSA', 'ERR']);
    expect(ack.getSegment('ERR')?.raw).toBe(
      'ERR|PID^1^3^101&Required field missing&HL70357~PID^1^5^101&Required field missing&HL70357',
    );
    expect(ack.getRaw('MSA-6')).toBe('101^Required field missing^HL70357');
    expect(ack.getRaw('MSH-9')).toBe(version === '2.3' ? 'ACK^A01' : 'ACK^A01^ACK');
    expect(ack.version).toBe(version);
  });

  it('answers an enhanced-mode message (MSH-15/16 valued) with CA/CE/CR', () => {
    const oml = parseHl7(fixture(FIXTURES.omlO21));
    expect(ackModeOf(oml)).toBe('enhanced');
    expect(ackModeOf(parseHl7(fixture(FIXTURES.oruHematology)))).toBe('original');
    const ack = buildAck(oml, { code: ackCodeFor('accept', ackModeOf(oml)) });
    expect([ack.get('MSA-1'), ack.get('MSA-2')]).toEqual(['CA', 'HIS-OML-004512']);
    expect(ack.getRaw('MSH-9')).toBe('ACK^O21^ACK');
  });

  it('keeps the delimiters, processing ID, version and character set of the original', () => {
    const msg = parseHl7(
      Buffer.from('MSH#@*$%#LIS#LAB#HIS#H#2024##ORU@R01#M1#T@A#2.4@VNM######8859/1\rPID#1##ID1\r', 'latin1'),
    );
    const ack = buildAck(msg, { code: 'AR', errors: [{ code: '200' }] });
    expect(ack.msh.raw.startsWith('MSH#@*$%#HIS#H#LIS#LAB#')).toBe(true);
    expect(ack.getRaw('MSH-11')).toBe('T@A');
    expect(ack.getRaw('MSH-12')).toBe('2.4@VNM');
    expect(ack.get('MSH-18')).toBe('8859/1');
    expect(ack.charset.encoding).toBe('latin1');
    expect(ack.getRaw('ERR-1')).toBe('@@@200%Unsupported message type%HL70357');
  });

  it('writes the ACK bytes in the character set of the original', () => {
    const ack = buildAck(oru, {
      code: 'AE',
      errors: [{ code: '207', userMessage: 'Hệ thống đang bận' }],
    });
    expect(ack.toBuffer().toString('utf8')).toContain('Hệ thống đang bận');
  });
});

describe('choosing the acknowledgment code', () => {
  it('maps outcome and mode to table 0008', () => {
    expect(ackCodeFor('accept', 'original')).toBe('AA');
    expect(ackCodeFor('error', 'original')).toBe('AE');
    expect(ackCodeFor('reject', 'original')).toBe('AR');
    expect(ackCodeFor('accept', 'enhanced')).toBe('CA');
    expect(ackCodeFor('error', 'enhanced')).toBe('CE');
    expect(ackCodeFor('reject', 'enhanced')).toBe('CR');
  });

  it('rejects for 200-203, errs for the rest, accepts with only warnings', () => {
    expect(ackCodeForErrors([], 'original')).toBe('AA');
    expect(ackCodeForErrors([{ code: '103', severity: 'W' }], 'original')).toBe('AA');
    expect(ackCodeForErrors([{ code: '101' }], 'original')).toBe('AE');
    expect(ackCodeForErrors([{ code: '101' }, { code: '203' }], 'original')).toBe('AR');
    expect(ackCodeForErrors([{ code: '202' }], 'enhanced')).toBe('CR');
  });
});

describe('buildAckForUnparsed', () => {
  it('still echoes MSH-10 when only the character set was unknown', () => {
    const bytes = Buffer.from('MSH|^~\\&|A|B|C|D|2024||ADT^A01|X-42|P|2.5||||||ISO IR87\rPID|1\r');
    let error: Hl7ValidationError | undefined;
    try {
      parseHl7(bytes);
    } catch (e) {
      error = e as Hl7ValidationError;
    }
    expect(error?.code).toBe('103');
    const ack = buildAckForUnparsed(bytes, error!);
    expect([ack.get('MSA-1'), ack.get('MSA-2')]).toEqual(['AE', 'X-42']);
    expect(ack.getRaw('MSH-5')).toBe('A');
    expect(ack.getRaw('ERR-2')).toBe('MSH^1^18');
    expect(ack.get('ERR-3')).toBe('103');
  });

  it('answers with the recommended delimiters and an empty MSA-2 when there is no MSH', () => {
    const error = new Hl7ValidationError('100', 'the message does not begin with an MSH segment', {
      segment: 'MSH',
      sequence: 1,
    });
    const ack = buildAckForUnparsed(Buffer.from('garbage'), error, {
      fallback: { sendingApplication: 'GATEWAY', version: '2.5.1' },
      code: 'AR',
    });
    expect(ack.msh.raw).toMatch(
      /^MSH\|\^~\\&\|GATEWAY\|\|\|\|\d{14}[+-]\d{4}\|\|ACK\^\^ACK\|[0-9A-Z]{20}\|P\|2\.5\.1$/,
    );
    expect(ack.getSegment('MSA')?.raw).toBe('MSA|AR');
    expect(ack.getRaw('ERR-2')).toBe('MSH^1');
    expect(ack.get('ERR-3-2')).toBe('Segment sequence error');
  });
});

describe('buildAck with a short MSH-2', () => {
  it('fills in the delimiters the original did not declare', () => {
    const msg = parseHl7('MSH|^~\\|LIS|LAB|HIS|H|2024||ORU^R01|S1|P|2.3\rPID|1||A&B\r');
    expect(msg.get('PID-3')).toBe('A&B');
    const ack = buildAck(msg, {
      code: 'AE',
      errors: [{ code: '101', location: { segment: 'PID', field: 5 } }],
    });
    expect(ack.msh.raw.startsWith('MSH|^~\\&|HIS|H|LIS|LAB|')).toBe(true);
    expect(ack.getRaw('ERR-1')).toBe('PID^1^5^101&Required field missing&HL70357');
  });
});

import { GENESIS_HASH } from '../chain/canonical';
import { type ChainedAuditRecord, normalizeRecord } from '../model/audit-record';
import { ATNA_MSGID, atnaSyslogFrame } from './atna-syslog';
import { formatRfc5424, frameRfc5425, OctetCountingDecoder } from './syslog-message';

const BOM = '\ufeff';

describe('RFC 5424 message', () => {
  const message = {
    facility: 10,
    severity: 5,
    timestamp: new Date('2026-11-22T01:02:03.456Z'),
    hostname: 'his-7f9c',
    appName: 'his',
    procId: '4242',
    msgId: 'IHE+RFC-3881',
    msg: '<AuditMessage/>',
  };

  it('has PRI = facility * 8 + severity, VERSION 1, an RFC 3339 UTC timestamp and a BOM before MSG (§6)', () => {
    expect(formatRfc5424(message).toString('utf8')).toBe(
      `<85>1 2026-11-22T01:02:03.456Z his-7f9c his 4242 IHE+RFC-3881 - ${BOM}<AuditMessage/>`,
    );
  });

  it('writes structured data with escaped values and NILVALUE for empty header fields (§6.2, §6.3)', () => {
    const text = formatRfc5424({
      ...message,
      hostname: '',
      procId: 'a b',
      structuredData: [{ id: 'x@32473', params: [['v', 'a"b\\c]d']] }],
    }).toString('utf8');
    expect(text).toBe(
      `<85>1 2026-11-22T01:02:03.456Z - his a_b IHE+RFC-3881 [x@32473 v="a\\"b\\\\c\\]d"] ${BOM}<AuditMessage/>`,
    );
  });

  it('cuts header fields to their maximum length (APP-NAME 48, MSGID 32)', () => {
    const text = formatRfc5424({ ...message, appName: 'a'.repeat(60), msgId: 'm'.repeat(40) }).toString();
    expect(text).toContain(` ${'a'.repeat(48)} 4242 ${'m'.repeat(32)} -`);
  });
});

describe('RFC 5425 framing (§4.3)', () => {
  it('prefixes the octet count, not the character count, and a space', () => {
    const msg = Buffer.from('<85>1 - - - - - - Bệnh nhân', 'utf8');
    const frame = frameRfc5425(msg);
    expect(frame.toString('utf8')).toBe(`${msg.length} <85>1 - - - - - - Bệnh nhân`);
    expect(msg.length).toBeGreaterThan('<85>1 - - - - - - Bệnh nhân'.length);
  });

  it('decodes back across arbitrary chunk boundaries', () => {
    const msgs = ['one', 'twö', 'x'.repeat(1000)].map((m) => Buffer.from(m, 'utf8'));
    const stream = Buffer.concat(msgs.map(frameRfc5425));
    const decoder = new OctetCountingDecoder();
    const out: string[] = [];
    for (let i = 0; i < stream.length; i += 7)
      out.push(...decoder.push(stream.subarray(i, i + 7)).map(String));
    expect(out).toEqual(['one', 'twö', 'x'.repeat(1000)]);
  });

  it('refuses a frame that does not start with a length', () => {
    expect(() => new OctetCountingDecoder().push(Buffer.from('<85>1 - - '))).toThrow(/frame length/);
  });
});

describe('ATNA syslog frame', () => {
  it('carries the DICOM audit message with the record seq and hash in structured data', () => {
    const r: ChainedAuditRecord = {
      ...normalizeRecord({
        action: 'R',
        what: 'GET /patients/:id',
        outcome: 'failure',
        status: 404,
        detail: 'NOT_FOUND',
        actor: 'dr-a',
        patientId: 'p-1',
        time: new Date('2026-11-22T01:02:03.456Z'),
      }),
      seq: '12',
      prevHash: GENESIS_HASH,
      hash: 'ab'.repeat(32),
    };
    const [msg] = new OctetCountingDecoder().push(atnaSyslogFrame(r, { service: 'his' }, 'hospAudit@32473'));
    const text = msg.toString('utf8');
    // Severity 4 (warning) for a failure.
    expect(text).toMatch(
      new RegExp(
        `^<84>1 2026-11-22T01:02:03.456Z \\S+ his \\d+ ${ATNA_MSGID.replace('+', '\\+')} ` +
          `\\[hospAudit@32473 seq="12" hash="${'ab'.repeat(32)}"\\] ${BOM}<\\?xml`,
      ),
    );
    expect(text).toContain('<EventID csd-code="110110" codeSystemName="DCM" originalText="Patient Record"/>');
    expect(text).toContain('EventOutcomeIndicator="4"');
    expect(text).toContain(
      '<ParticipantObjectIdentification ParticipantObjectID="p-1" ParticipantObjectTypeCode="1"',
    );
  });
});

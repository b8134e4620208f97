import { fromBinary } from '@bufbuild/protobuf';
import { AnalyzerResultsReportedSchema, Hl7MessageReceivedSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { MllpClient } from '@hosp/standards-hl7v2-mllp';
import {
  ackField,
  analyzerConnection,
  api,
  type Api,
  bootGateway,
  eventually,
  fixture,
  framed,
  mllpSend,
  readEvents,
} from './support/gateway-fixture';

/**
 * Inbound HL7 over real MLLP sockets: Debian's mllp_send (python3-hl7) plays the analyzer. Every message is
 * stored before its ACK; results reach Kafka with the code map applied; bad messages are answered with the
 * standard's own errors and kept; the connection keeps working.
 */
describe('gateway: HL7 v2 results from an analyzer', () => {
  let booted: BootedService;
  let call: Api;
  let conn: { id: string; port: number };
  const oru = fixture('oru-r01-hematology-v231.hl7');

  beforeAll(async () => {
    booted = await bootGateway();
    call = api(booted);
    conn = await analyzerConnection(call);
  }, 120_000);
  afterAll(() => booted?.close());

  it('stores an ORU^R01 from mllp_send, ACKs it AA, and emits the mapped results per specimen', async () => {
    const [ack] = await mllpSend(conn.port, framed(oru));
    expect(ackField(ack, 'MSA', 1)).toBe('AA');
    expect(ackField(ack, 'MSA', 2)).toBe('2041');
    expect(ackField(ack, 'MSH', 4)).toBe('BC-5380'); // MSH-5 receiving application = the analyzer

    const stored = (await call('GET', `/messages?connectionId=${conn.id}&status=accepted`)).body;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      messageType: 'ORU^R01',
      controlId: '2041',
      specimenIds: ['SPM24-0045122'],
      patientId: 'BN24000913',
    });
    const full = (await call('GET', `/messages/${stored[0].id}`)).body;
    expect(full.text).toContain('TRẦN^THỊ BÍCH NGỌC'); // UTF-8 Vietnamese, verbatim
    // Byte for byte what mllp_send sent (python-hl7 sends the segments without the last segment's CR).
    expect(Buffer.from(full.rawBase64, 'base64').toString('utf8')).toBe(
      oru.replace(/\r?\n/g, '\r').replace(/\r$/, ''),
    );
    // Results go out structured; the raw bytes are in the store (publishRaw is off by default).
    expect(full.eventIds).toHaveLength(1);

    const events = await readEvents(booted, Topics.GatewayAnalyzerResult, (es) => es.length >= 1);
    const report = fromBinary(AnalyzerResultsReportedSchema, events[0].value);
    expect(events[0].key).toBe('SPM24-0045122');
    expect(report).toMatchObject({
      messageId: stored[0].id,
      connectionId: conn.id,
      deviceId: 'BC-5380',
      specimenId: 'SPM24-0045122',
    });
    const hgb = report.observations.find((o) => o.deviceCode === '718-7')!;
    expect(hgb).toMatchObject({
      value: '92',
      unit: 'g/L',
      deviceFlags: 'L',
      resultStatus: 'F',
      mapped: true,
      loinc: '718-7',
    });
    expect(hgb.service?.code).toBe('XN-HGB');
    const unmapped = report.observations.find((o) => o.deviceCode === '08001')!;
    expect(unmapped).toMatchObject({ mapped: false, value: 'O' });
    expect(report.observations).toHaveLength(16);
  });

  it('publishes the raw message too when the connection asks for it, with the exact bytes', async () => {
    const raw = await analyzerConnection(call, { publishRaw: true });
    const [ack] = await mllpSend(raw.port, framed(oru.replace('|2041|', '|RAW1|')));
    expect(ackField(ack, 'MSA', 1)).toBe('AA');
    const [stored] = (await call('GET', `/messages?connectionId=${raw.id}`)).body;
    expect((await call('GET', `/messages/${stored.id}`)).body.eventIds).toHaveLength(2);
    const events = await readEvents(booted, Topics.GatewayHl7Inbound, (es) =>
      es.some((e) => e.key === raw.id),
    );
    const received = fromBinary(Hl7MessageReceivedSchema, events.find((e) => e.key === raw.id)!.value);
    expect(received).toMatchObject({ messageId: stored.id, controlId: 'RAW1', charset: 'UNICODE' });
    expect(Buffer.from(received.raw).toString('utf8')).toContain('TRẦN^THỊ BÍCH NGỌC');
  });

  it('ACKs a resent MSH-10 again without processing it twice', async () => {
    const acks = await mllpSend(conn.port, framed(oru, oru));
    expect(acks.map((a) => ackField(a, 'MSA', 1))).toEqual(['AA', 'AA']);
    const stored = (await call('GET', `/messages?connectionId=${conn.id}&status=accepted`)).body;
    expect(stored).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1000));
    // Everything on the topic so far (other tests' connections too), then only this connection's reports.
    const reportsOf = (es: Array<{ value: Buffer }>) =>
      es
        .map((e) => fromBinary(AnalyzerResultsReportedSchema, e.value))
        .filter((r) => r.connectionId === conn.id);
    const events = await readEvents(booted, Topics.GatewayAnalyzerResult, (es) => reportsOf(es).length >= 1);
    await new Promise((r) => setTimeout(r, 500));
    const again = await readEvents(booted, Topics.GatewayAnalyzerResult, (es) => es.length >= events.length);
    expect(reportsOf(again)).toHaveLength(1);
  });

  it('answers bad messages with AE/AR and an ERR naming the problem, keeps them, and keeps the connection', async () => {
    const client = new MllpClient({ host: '127.0.0.1', port: conn.port, responseTimeoutMs: 10_000 });
    try {
      const send = async (text: string) => (await client.send(text.replace(/\r?\n/g, '\r'))).toString('utf8');
      const msh = (type: string, id: string, extra = '') =>
        `MSH|^~\\&|BC-5380|Mindray|||20240315091502||${type}|${id}|P|2.3.1${extra}`;

      const unsupported = await send(`${msh('ADT^A01', 'X1')}\rPID|1||123`);
      expect(ackField(unsupported, 'MSA', 1)).toBe('AR');
      expect(ackField(unsupported, 'MSA', 6)).toMatch(/^200/); // v2.3.1: MSA-6 carries the table 0357 code

      const noControlId = await send(`${msh('ORU^R01', '')}\rPID|1||123`);
      expect(ackField(noControlId, 'MSA', 1)).toMatch(/^A[ER]$/);
      expect(noControlId).toContain('101');

      const wrongSender = await send(
        `MSH|^~\\&|XN-1000|Sysmex|||20240315091502||ORU^R01|X3|P|2.3.1\rPID|1||123`,
      );
      expect(ackField(wrongSender, 'MSA', 1)).toBe('AE'); // 204 unknown key identifier: an error, not a reject
      expect(wrongSender).toContain('204');

      const badVersion = await send(
        `MSH|^~\\&|BC-5380|Mindray|||20240315091502||ORU^R01|X4|P|9.9\rPID|1||123`,
      );
      expect(ackField(badVersion, 'MSA', 1)).toBe('AR');
      expect(badVersion).toContain('203');

      // MSH-18 names a character set nobody can decode: refused with 103 (table value not found), not misread.
      const charset = await send(
        `MSH|^~\\&|BC-5380|Mindray|||20240315091502||ORU^R01|X5|P|2.3.1||||||KLINGON\rPID|1||123`,
      );
      expect(ackField(charset, 'MSA', 1)).toMatch(/^A[ER]$/);
      expect(charset).toContain('103');

      const garbage = await send('this is not HL7 at all');
      expect(ackField(garbage, 'MSA', 1)).toMatch(/^A[ER]$/);

      // And the connection still takes a good message.
      const ok = await send(oru.replace('|2041|', '|2042|'));
      expect(ackField(ok, 'MSA', 1)).toBe('AA');
    } finally {
      await client.close();
    }
    const rejected = (await call('GET', `/messages?connectionId=${conn.id}&status=rejected`)).body;
    expect(rejected.length).toBeGreaterThanOrEqual(6);
    expect(rejected.map((m: { error: string }) => m.error.slice(0, 3))).toEqual(
      expect.arrayContaining(['200', '101', '204', '203', '103']),
    );
  });

  it('answers an oversize frame with AR and keeps serving the connection', async () => {
    const small = await analyzerConnection(call, { maxMessageBytes: 2048 });
    const client = new MllpClient({ host: '127.0.0.1', port: small.port, responseTimeoutMs: 10_000 });
    try {
      const big = (
        await client.send(oru.replace(/\r?\n/g, '\r') + 'NTE|1||' + 'x'.repeat(5000) + '\r')
      ).toString();
      expect(ackField(big, 'MSA', 1)).toBe('AR');
      expect(big).toContain('207');
      const ok = (
        await client.send(
          `MSH|^~\\&|BC-5380|Mindray|||20240315091502||ORU^R01|S1|P|2.3.1\rPID|1||123\rOBR|1||S1\rOBX|1|NM|718-7^HGB||120|g/L|||||F`,
        )
      ).toString();
      expect(ackField(ok, 'MSA', 1)).toBe('AA');
    } finally {
      await client.close();
    }
  });

  it('replays a stored message with the current code map as new events on its lineage', async () => {
    const [stored] = (
      await call('GET', `/messages?connectionId=${conn.id}&messageType=ORU&status=accepted&limit=1`)
    ).body;
    const c = (await call('GET', `/connections/${conn.id}`)).body;
    const { version, createdAt: _c, updatedAt: _u, ...config } = c;
    config.codeMap = [
      ...config.codeMap,
      { deviceCode: '08001', serviceCode: 'XN-MODE', serviceName: 'Take mode' },
    ];
    expect((await call('PUT', `/connections/${conn.id}`, { ...config, version })).status).toBe(200);
    const replay = await call('POST', `/messages/${stored.id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.eventIds).toHaveLength(1);
    const events = await readEvents(booted, Topics.GatewayAnalyzerResult, (es) =>
      es.some((e) =>
        fromBinary(AnalyzerResultsReportedSchema, e.value).observations.some(
          (o) => o.deviceCode === '08001' && o.mapped,
        ),
      ),
    );
    const reports = events
      .map((e) => fromBinary(AnalyzerResultsReportedSchema, e.value))
      .filter((r) => r.messageId === stored.id);
    expect(new Set(reports.map((r) => r.reportId)).size).toBe(reports.length); // a replay is a new report
    const after = (await call('GET', `/messages/${stored.id}`)).body;
    expect(after.replays).toBe(1);
    expect(after.eventIds).toEqual(expect.arrayContaining(replay.body.eventIds));
    expect(
      await eventually(
        async () =>
          (await call('GET', `/connections/${conn.id}`)).body.version === version + 1 ? true : undefined,
        'new version',
      ),
    ).toBe(true);
  });
});

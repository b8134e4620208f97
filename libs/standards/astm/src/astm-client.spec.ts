import { delay } from '../test/raw-peer';
import { AstmClient, AstmClientError } from './astm-client';
import { AstmServer, type AstmServerOptions } from './astm-server';
import { AstmBuilder, buildQueryResponse, buildWorkOrderMessage, type AstmWorkOrder } from './builder';
import type { AstmTimings } from './link';
import type { AstmMessage } from './message';

const fast: Partial<AstmTimings> = {
  replyTimeoutMs: 1_000,
  receiveTimeoutMs: 1_000,
  busyRetryDelayMs: 50,
  hostContentionDelayMs: 200,
  instrumentContentionDelayMs: 20,
};

/** The LIS's work list, by barcode. */
const WORK_LIST: Record<string, AstmWorkOrder[]> = {
  '2503010001': [
    {
      specimenId: '2503010001',
      tests: ['GLU', 'CREA', 'ALT'],
      priority: 'S',
      collectedAt: '20250301073000',
      patient: {
        practicePatientId: 'BN001',
        name: { last: 'NGUYỄN', first: 'THỊ', middle: 'MINH KHAI' },
        birthDate: '19750304',
        sex: 'F',
      },
    },
  ],
};

const servers: AstmServer[] = [];
const clients: AstmClient[] = [];

async function lis(options: Partial<AstmServerOptions> = {}) {
  const received: AstmMessage[] = [];
  const server = new AstmServer({
    timings: fast,
    onMessage: (m) => {
      received.push(m);
      if (!m.isQuery) return undefined;
      const orders = m.queries.flatMap((q) => WORK_LIST[q.specimenId ?? ''] ?? []);
      return buildQueryResponse(m, orders, { sender: ['LIS', 'HOSP'] });
    },
    ...options,
  });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port, received };
}

function analyzer(port: number): AstmClient {
  const client = new AstmClient({ host: '127.0.0.1', port, timings: fast });
  clients.push(client);
  return client;
}

const query = (barcode: string): AstmMessage =>
  new AstmBuilder({
    sender: ['c311', '1'],
    receiver: 'host',
    specialInstructions: ['TSREQ', 'REAL'],
    version: '1',
  })
    .query({ startingRange: ['', '', barcode, '0', '50001', '001', 'S1', 'SC'] })
    .build();

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close({ timeoutMs: 500 });
});

describe('AstmClient <-> AstmServer over loopback', () => {
  it('host query round trip: the analyzer asks for a barcode and gets its work orders', async () => {
    const { port, received } = await lis();
    const client = analyzer(port);
    const answer = await client.query(query('2503010001'), { timeoutMs: 3_000 });
    expect(received[0].queries[0].specimenId).toBe('2503010001');
    expect(answer.header.senderName).toBe('LIS');
    expect(answer.header.receiver).toEqual(['c311', '1']);
    const p = answer.patients[0];
    expect(p.name).toMatchObject({ last: 'NGUYỄN', first: 'THỊ', middle: 'MINH KHAI' });
    expect(p.birthDate).toBe('19750304');
    const o = p.orders[0];
    expect(o.specimenId).toBe('2503010001');
    expect(o.tests.map((t) => t.code)).toEqual(['GLU', 'CREA', 'ALT']);
    expect(o.priority).toBe('S');
    expect(o.reportType).toBe('Q');
    expect(answer.terminationCode).toBe('N');
    expect(answer.encoding).toBe('utf8');
  });

  it('host query round trip: an unknown barcode gets L|1|I (no information)', async () => {
    const { port } = await lis();
    const client = analyzer(port);
    const answer = await client.query(query('0000000000'), { timeoutMs: 3_000 });
    expect(answer.records.map((r) => r.type)).toEqual(['H', 'L']);
    expect(answer.terminationCode).toBe('I');
  });

  it('sends results as an analyzer, long records split into ETB frames, and the LIS reads them', async () => {
    const { port, received } = await lis();
    const client = analyzer(port);
    const b = new AstmBuilder({ sender: ['XN-350', '00-14'], version: 'E1394-97' })
      .patient({ patientId3: 'BN001', name: ['', 'TRẦN', 'VĂN BÌNH'] })
      .order({
        specimenId: '',
        instrumentSpecimenId: ['', '', '1001', 'M'],
        tests: ['WBC'],
        reportType: 'F',
      });
    for (let i = 1; i <= 30; i++)
      b.result({
        test: ['', '', '', '', `T${i}`, '1'],
        value: (i * 1.1).toFixed(1),
        units: 'g/L',
        abnormalFlag: 'N',
      });
    b.comment({ text: 'Kết quả đã được kiểm tra. '.repeat(20), source: 'I' });
    const message = b.build();
    const result = await client.send(message);
    expect(result.frames).toBeGreaterThan(message.records.length); // the comment took several frames
    await delay(50);
    expect(received).toHaveLength(1);
    expect(received[0].toString()).toBe(message.toString());
    expect(received[0].results).toHaveLength(30);
    expect(received[0].orders[0].instrumentSpecimenId).toBe('1001');
  });

  it('receives work orders the host pushes on its own', async () => {
    const { server, port } = await lis();
    const client = analyzer(port);
    await client.connect();
    while (server.connections.length === 0) await delay(5);
    const pushed = server.connections[0].send(
      buildWorkOrderMessage(WORK_LIST['2503010001'], { sender: 'LIS' }),
    );
    const got = await client.receive({ timeoutMs: 3_000 });
    await pushed;
    expect(got.orders[0].reportType).toBe('O');
    expect(got.orders[0].actionCode).toBe('N');
  });

  it('resolves contention when both sides send at once: both messages arrive', async () => {
    const { server, port, received } = await lis();
    const client = analyzer(port);
    await client.connect();
    while (server.connections.length === 0) await delay(5);
    const contention: string[] = [];
    server.on('contention', () => contention.push('host'));
    client.on('contention', () => contention.push('instrument'));
    const results = new AstmBuilder({ sender: 'c311' })
      .patient()
      .order({ specimenId: 'S9', tests: ['NA'] })
      .build();
    const [fromHost, fromInstrument] = await Promise.all([
      server.connections[0].send(buildWorkOrderMessage(WORK_LIST['2503010001'], { sender: 'LIS' })),
      client.send(results),
    ]);
    expect(fromHost.frames).toBe(4);
    expect(fromInstrument.frames).toBe(4);
    const pushed = await client.receive({ timeoutMs: 3_000 });
    expect(pushed.orders[0].specimenId).toBe('2503010001');
    expect(received.map((m) => m.orders[0].specimenId)).toEqual(['S9']);
    // Over loopback the two ENQs usually cross; when they do, both sides report it.
    if (contention.length > 0) expect(contention.sort()).toEqual(['host', 'instrument']);
  });

  it('works with the roles reversed: the analyzer listens, the LIS connects as host', async () => {
    const seen: AstmMessage[] = [];
    const analyzerSide = new AstmServer({
      role: 'instrument',
      timings: fast,
      onMessage: (m) => {
        seen.push(m);
        return undefined;
      },
    });
    servers.push(analyzerSide);
    const { port } = await analyzerSide.listen();
    const host = new AstmClient({ host: '127.0.0.1', port, role: 'host', timings: fast });
    clients.push(host);
    await host.send(buildWorkOrderMessage(WORK_LIST['2503010001'], { sender: 'LIS' }));
    await delay(30);
    expect(seen[0].patients[0].nameText).toBe('NGUYỄN THỊ MINH KHAI');
  });

  it('fails clearly: no server, nothing to receive, closed client', async () => {
    const client = new AstmClient({ host: '127.0.0.1', port: 1, connectTimeoutMs: 500 });
    await expect(client.connect()).rejects.toMatchObject({ code: 'CONNECT' });
    const { port } = await lis();
    const c = analyzer(port);
    await c.connect();
    await expect(c.receive({ timeoutMs: 30 })).rejects.toBeInstanceOf(AstmClientError);
    await c.close();
    await expect(c.receive()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

import { fromBinary } from '@bufbuild/protobuf';
import { AnalyzerResultsReportedSchema, Sex, Topics, WorkOrderReleasedSchema } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { freePortBlock } from '@hosp/testing';
import { api, type Api, bootGateway, eventually, publishAs, readEvents } from './support/gateway-fixture';
import { ACK, ENQ, EOT, NAK, RawAnalyzer } from './support/astm-peer';

/** A Sysmex XN-style result transmission (E1394 records; invented patient), as a transcript of records. */
const XN_RESULTS = [
  'H|\\^&|||XN-350^00-14^11001^^^^12345678||||||||E1394-97',
  'P|1|||BN00004321|^NGUYỄN^VĂN AN||19850101|M',
  'O|1||^^2611220007^B|^^^^WBC\\^^^^RBC\\^^^^HGB|||||||N||||||||||||||F',
  'R|1|^^^^WBC^1|7.85|10*3/uL||N||||||20261122083000',
  'R|2|^^^^RBC^1|4.52|10*6/uL||N||||||20261122083000',
  'R|3|^^^^HGB^1|98|g/L||L||||||20261122083000',
  'L|1|N',
];

describe('gateway: ASTM analyzers over TCP', () => {
  let booted: BootedService;
  let call: Api;
  let port: number;
  const connId = () => `xn-${port}`;

  beforeAll(async () => {
    booted = await bootGateway();
    call = api(booted);
    port = await freePortBlock(1);
    const r = await call('POST', '/connections', {
      id: `xn-${port}`,
      name: 'Sysmex XN-350 (ASTM)',
      protocol: 'astm',
      role: 'listen',
      host: '127.0.0.1',
      port,
      codeMap: [
        { deviceCode: 'WBC', serviceCode: 'XN-WBC', loinc: '6690-2', deviceUnit: '10*3/uL', unit: '10*9/L' },
        { deviceCode: 'HGB', serviceCode: 'XN-HGB', loinc: '718-7' },
      ],
    });
    expect(r.status).toBe(201);
  }, 120_000);
  afterAll(() => booted?.close());

  it('receives a result transmission frame by frame, stores it before the last ACK and emits the results', async () => {
    const analyzer = await RawAnalyzer.connect(port);
    try {
      const answers = await analyzer.sendMessage(XN_RESULTS);
      expect(answers).toEqual(Array(XN_RESULTS.length + 1).fill(ACK));
    } finally {
      analyzer.close();
    }
    const stored = await eventually(async () => {
      const rows = (await call('GET', `/messages?connectionId=${connId()}`)).body;
      return rows.length ? rows : undefined;
    }, 'the ASTM message in the store');
    expect(stored[0]).toMatchObject({
      protocol: 'astm',
      messageType: 'ASTM R',
      status: 'accepted',
      specimenIds: ['2611220007'],
    });
    expect((await call('GET', `/messages/${stored[0].id}`)).body.text).toContain('NGUYỄN');

    const events = await readEvents(booted, Topics.GatewayAnalyzerResult, (es) => es.length >= 1);
    const report = fromBinary(AnalyzerResultsReportedSchema, events[0].value);
    expect(report).toMatchObject({ specimenId: '2611220007', protocol: 'ASTM E1394', deviceId: 'XN-350' });
    expect(report.observations.map((o) => [o.deviceCode, o.value, o.unit, o.deviceFlags, o.mapped])).toEqual([
      ['WBC', '7.85', '10*9/L', 'N', true],
      ['RBC', '4.52', '10*6/uL', 'N', false],
      ['HGB', '98', 'g/L', 'L', true],
    ]);
  });

  it('NAKs a frame with a bad checksum and accepts its retransmission', async () => {
    const analyzer = await RawAnalyzer.connect(port);
    try {
      const records = XN_RESULTS.map((r) => r.replace('2611220007', '2611220008'));
      const answers = await analyzer.sendMessage(records, (i) => i === 2);
      expect(answers.slice(0, 5)).toEqual([ACK, ACK, ACK, NAK, ACK]);
      expect(answers.at(-1)).toBe(ACK);
    } finally {
      analyzer.close();
    }
    await eventually(async () => {
      const rows = (await call('GET', `/messages?connectionId=${connId()}&specimenId=2611220008`)).body;
      return rows.length === 1 ? rows : undefined;
    }, 'the retransmitted message stored once');
  });

  it('answers a host query for a barcode with the released work order', async () => {
    await publishAs(booted, 'laboratory', Topics.LabWorkOrder, WorkOrderReleasedSchema, {
      workOrderId: 'WO-Q1',
      accessionNumber: '2611220009',
      specimenId: '261122000901',
      specimenType: 'BLD',
      patientId: 'b0e3c1a2-8f5d-4c61-9d32-1f7a2b3c4d5e',
      patientCode: 'BN00009999',
      patientName: 'Lê Thị Mai',
      birthDate: '19900215',
      sex: Sex.FEMALE,
      priority: 'R',
      tests: [
        { orderId: 'o-1', service: { code: 'XN-WBC' } },
        { orderId: 'o-2', service: { code: 'XN-HGB' } },
      ],
    });
    const query = [
      'H|\\^&|||XN-350^00-14^11001||||||||E1394-97',
      'Q|1|^^261122000901^B||^^^ALL||||||||O',
      'L|1|N',
    ];
    const texts = await eventually(async () => {
      const analyzer = await RawAnalyzer.connect(port);
      try {
        const answers = await analyzer.sendMessage(query);
        expect(answers.every((a) => a === ACK)).toBe(true);
        // The host now has the line: ENQ, then its frames, each ACKed by us, then EOT.
        expect(await analyzer.control(15_000)).toBe(ENQ);
        analyzer.write(ACK);
        const got: string[] = [];
        for (;;) {
          const next = await analyzer.frameText();
          got.push(next);
          analyzer.write(ACK);
          if (next.startsWith('L|')) break;
        }
        expect(await analyzer.control()).toBe(EOT);
        return got.some((t) => t.startsWith('O|')) ? got : undefined;
      } finally {
        analyzer.close();
      }
    }, 'the work order in the answer');
    const order = texts.find((t) => t.startsWith('O|'))!;
    expect(order).toContain('261122000901');
    expect(order).toContain('^^^WBC');
    expect(order).toContain('^^^HGB');
    expect(texts.find((t) => t.startsWith('P|'))).toContain('Lê');
  });
});

describe('gateway: ASTM while the event backbone is unreachable', () => {
  let booted: BootedService;

  beforeAll(async () => {
    // A closed port as the broker: the gateway boots, its Kafka gate stays shut.
    booted = await bootGateway({ kafkaBrokers: ['127.0.0.1:1'] });
  }, 120_000);
  afterAll(() => booted?.close());

  it('refuses the terminator frame (NAK) every time, so the analyzer keeps the message and sends it later', async () => {
    const call = api(booted);
    const port = await freePortBlock(1);
    expect(
      (
        await call('POST', '/connections', {
          id: `xn-${port}`,
          name: 'XN',
          protocol: 'astm',
          role: 'listen',
          host: '127.0.0.1',
          port,
        })
      ).status,
    ).toBe(201);
    const analyzer = await RawAnalyzer.connect(port);
    try {
      const answers = await analyzer.sendMessage(XN_RESULTS);
      // ENQ and every record but the last ACKed; the L frame NAKed on all 6 tries (E1381 §6.5.1.2).
      expect(answers.slice(0, XN_RESULTS.length)).toEqual(Array(XN_RESULTS.length).fill(ACK));
      expect(answers.slice(XN_RESULTS.length)).toEqual(Array(6).fill(NAK));
    } finally {
      analyzer.close();
    }
    expect((await call('GET', `/messages?connectionId=xn-${port}&status=accepted`)).body).toEqual([]);
  });
});

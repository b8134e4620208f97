import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sex, Topics, WorkOrderCancelledSchema, WorkOrderReleasedSchema } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { freePortBlock } from '@hosp/testing';
import { parseHl7 } from '@hosp/standards-hl7v2';
import { MllpClient } from '@hosp/standards-hl7v2-mllp';
import {
  ackField,
  analyzerConnection,
  api,
  type Api,
  bootGateway,
  eventually,
  fixture,
  publishAs,
} from './support/gateway-fixture';

const PEER = join(__dirname, '..', 'peers', 'hl7_analyzer.py');

function startAnalyzer(port: number, dir: string, failFirst = 0): Promise<ChildProcess> {
  const child = spawn('/usr/bin/python3', [PEER, String(port), dir, String(failFirst)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`analyzer peer exited with ${code}`)));
  });
}

const received = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));

const workOrder = (specimenId: string, tests: Array<[string, string]>) => ({
  workOrderId: `WO-${specimenId}`,
  accessionNumber: specimenId.slice(0, 10),
  specimenId,
  specimenType: 'BLD',
  containerType: 'EDTA',
  patientId: 'b0e3c1a2-8f5d-4c61-9d32-1f7a2b3c4d5e',
  patientCode: 'BN00001234',
  patientName: 'Phạm Minh Tuấn',
  birthDate: '1978-09-02',
  sex: Sex.MALE,
  priority: 'R',
  tests: tests.map(([orderId, code]) => ({
    orderId,
    service: { system: 'urn:hosp:his:service-catalog', code, display: code },
  })),
});

/**
 * Work orders (IHE LAW): LIS releases them on Kafka (the test stands in for LIS); the gateway pushes OML^O21
 * to an analyzer reached over MLLP (python3-hl7's server), in order, matched by MSA-2, retried after a NAK and
 * parked after too many; and it answers an analyzer's QBP^Q11 by barcode with RSP^K11.
 */
describe('gateway: work orders to analyzers', () => {
  let booted: BootedService;
  let call: Api;
  const peers: ChildProcess[] = [];

  beforeAll(async () => {
    process.env['GATEWAY_RETRY_BASE_MS'] = '200';
    process.env['GATEWAY_OUTBOUND_MAX_ATTEMPTS'] = '3';
    booted = await bootGateway();
    call = api(booted);
  }, 120_000);
  afterAll(async () => {
    for (const p of peers) p.kill();
    await booted?.close();
  });

  it('pushes OML^O21 with only the tests the analyzer performs, and records the AA', async () => {
    const port = await freePortBlock(1);
    const dir = mkdtempSync(join(tmpdir(), 'analyzer-'));
    peers.push(await startAnalyzer(port, dir));
    const conn = await call('POST', '/connections', {
      id: `cobas-${port}`,
      name: 'cobas c311',
      protocol: 'hl7v2',
      role: 'connect',
      host: '127.0.0.1',
      port,
      deviceApplication: 'cobas c311',
      orderMessage: 'OML^O21',
      tests: ['XN-GLU', 'XN-CREA'],
      codeMap: [{ deviceCode: '767', serviceCode: 'XN-GLU', serviceName: 'Glucose' }],
    });
    expect(conn.status).toBe(201);
    await publishAs(
      booted,
      'laboratory',
      Topics.LabWorkOrder,
      WorkOrderReleasedSchema,
      workOrder('2611220001A', [
        ['o-1', 'XN-GLU'],
        ['o-2', 'XN-CREA'],
        ['o-3', 'XN-CBC'],
      ]),
    );
    const [oml] = await eventually(
      async () => (received(dir).length ? received(dir) : undefined),
      'the OML^O21 at the analyzer',
    );
    const msg = parseHl7(oml.replace(/\n/g, '\r'));
    expect(msg.get('MSH-9')).toBe('OML');
    expect(msg.get('SPM-2')).toBe('2611220001A');
    expect(msg.get('PID-5-1')).toBe('Phạm');
    // The device's code from the code map, the service code where it has none; the CBC is not this analyzer's.
    expect(msg.getSegments('OBR').map((s) => s.value(4, 1))).toEqual(['767', 'XN-CREA']);
    const out = await eventually(async () => {
      const rows = (await call('GET', `/outbound?connectionId=cobas-${port}`)).body;
      return rows[0]?.status === 'acked' ? rows : undefined;
    }, 'the outbound message acked');
    expect(out).toHaveLength(1);

    await publishAs(booted, 'laboratory', Topics.LabWorkOrder, WorkOrderCancelledSchema, {
      workOrderId: 'WO-2611220001A',
      specimenId: '2611220001A',
      patientId: 'b0e3c1a2-8f5d-4c61-9d32-1f7a2b3c4d5e',
      reason: 'specimen haemolysed',
    });
    const [, cancel] = await eventually(
      async () => (received(dir).length >= 2 ? received(dir) : undefined),
      'the cancel',
    );
    expect(parseHl7(cancel.replace(/\n/g, '\r')).get('ORC-1')).toBe('CA');
  });

  it('retries after a NAK and parks a message the analyzer keeps refusing; requeue sends it again', async () => {
    const port = await freePortBlock(1);
    const dir = mkdtempSync(join(tmpdir(), 'analyzer-'));
    peers.push(await startAnalyzer(port, dir, 3));
    await call('POST', '/connections', {
      id: `mindray-${port}`,
      name: 'Mindray BS-240',
      protocol: 'hl7v2',
      role: 'connect',
      host: '127.0.0.1',
      port,
      orderMessage: 'ORM^O01',
      hl7Version: '2.3.1',
      tests: ['XN-URE'],
    });
    await publishAs(
      booted,
      'laboratory',
      Topics.LabWorkOrder,
      WorkOrderReleasedSchema,
      workOrder('2611220002A', [['o-9', 'XN-URE']]),
    );
    const parked = await eventually(async () => {
      const rows = (await call('GET', `/outbound?connectionId=mindray-${port}`)).body;
      return rows[0]?.status === 'parked' ? rows[0] : undefined;
    }, 'the message parked');
    expect(parked).toMatchObject({ attempts: 3, lastError: expect.stringMatching(/^AE/) });
    expect(received(dir)).toHaveLength(3);
    expect((await call('POST', `/outbound/${parked.id}/requeue`)).status).toBe(200);
    await eventually(async () => {
      const rows = (await call('GET', `/outbound?connectionId=mindray-${port}`)).body;
      return rows[0]?.status === 'acked' ? rows : undefined;
    }, 'acked after requeue');
    expect(parseHl7(received(dir)[3].replace(/\n/g, '\r')).get('MSH-9')).toBe('ORM');
  });

  it('answers an analyzer query (QBP^Q11) by barcode with RSP^K11: the orders, or NF', async () => {
    const conn = await analyzerConnection(call, {
      deviceApplication: 'cobas c311',
      hl7Version: '2.5.1',
      accepts: ['QBP^Q11'],
    });
    await publishAs(
      booted,
      'laboratory',
      Topics.LabWorkOrder,
      WorkOrderReleasedSchema,
      workOrder('SPM24-0045121', [['o-5', 'XN-CBC']]),
    );
    const client = new MllpClient({ host: '127.0.0.1', port: conn.port, responseTimeoutMs: 10_000 });
    try {
      const query = fixture('qbp-q11-v251.hl7').replace(/\r?\n/g, '\r');
      const rsp = await eventually(async () => {
        const r = (await client.send(query.replace('C311-Q-000120', `Q${Date.now()}`))).toString('utf8');
        return ackField(r, 'QAK', 2) === 'OK' ? r : undefined;
      }, 'the work order known to the gateway');
      const msg = parseHl7(rsp);
      expect(msg.get('MSH-9')).toBe('RSP');
      expect(msg.get('MSA-1')).toBe('AA');
      expect(msg.get('QAK-1')).toBe('Q000120');
      expect(msg.get('SPM-2')).toBe('SPM24-0045121');
      expect(msg.get('OBR-4-1')).toBe('XN-CBC');
      const none = (
        await client.send(query.replace('C311-Q-000120', 'Q-NF').replace('SPM24-0045121', 'NO-SUCH-TUBE'))
      ).toString('utf8');
      expect(ackField(none, 'QAK', 2)).toBe('NF');
    } finally {
      await client.close();
    }
  });
});

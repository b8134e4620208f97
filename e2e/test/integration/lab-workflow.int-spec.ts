import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bootService, type BootedService, eventually, jsonApi, type JsonApi } from '@hosp/service-testing';
import { parseHl7 } from '@hosp/standards-hl7v2';
import { freePortBlock } from '@hosp/testing';
import { AppModule as GatewayModule } from '../../../services/integration-gateway/src/app.module';
import { serviceDefinition as gatewayDefinition } from '../../../services/integration-gateway/src/service.definition';
import { AppModule as HisModule } from '../../../services/his/src/app.module';
import { serviceDefinition as hisDefinition } from '../../../services/his/src/service.definition';
import { AppModule as LabModule } from '../../../services/laboratory/src/app.module';
import { serviceDefinition as labDefinition } from '../../../services/laboratory/src/service.definition';

const run = promisify(execFile);
const ANALYZER = join(
  __dirname,
  '..',
  '..',
  '..',
  'services',
  'integration-gateway',
  'test',
  'peers',
  'hl7_analyzer.py',
);

/**
 * ARCHITECTURE flow 2 (IHE LTW/LAW), end to end across three services and a simulated analyzer: a clinician
 * orders a glucose in HIS -> LIS accessions it, the tube is collected and received -> the gateway pushes the
 * work order (OML^O21) to the analyzer over MLLP -> the analyzer (python3-hl7) gets it and sends its ORU^R01
 * (mllp_send) -> the gateway stores and ACKs it, emits the results -> LIS maps, flags and auto-verifies ->
 * HIS shows the final result on the patient's timeline and completes the order.
 */
describe('end to end: from an order in HIS to the result on the EMR timeline', () => {
  let his: BootedService;
  let lab: BootedService;
  let gateway: BootedService;
  let analyzer: ChildProcess | undefined;

  beforeAll(async () => {
    his = await bootService(HisModule, hisDefinition);
    lab = await bootService(LabModule, labDefinition, { sameTopicsAs: his });
    gateway = await bootService(GatewayModule, gatewayDefinition, { sameTopicsAs: his });
  }, 180_000);
  afterAll(async () => {
    analyzer?.kill();
    for (const s of [gateway, lab, his]) await s?.close();
  }, 60_000);

  it('places, accessions, pushes, measures, verifies and shows the result', async () => {
    const hisApi = jsonApi(his, { 'x-actor-id': 'bs-tran' });
    const labApi = jsonApi(lab, { 'x-actor-id': 'ktv-lan' });
    const gwApi = jsonApi(gateway);

    // Configuration: the service in HIS's catalogue, its definition in LIS, the analyzer's two links.
    await ok(
      hisApi('PUT', '/catalog/services', {
        items: [
          {
            code: 'XN-GLU',
            name: 'Định lượng Glucose',
            category: 'laboratory',
            hospitalPrice: '21500',
            insurancePrice: '21500',
            performingDepartment: 'XN',
            loincCode: '2345-7',
          },
        ],
      }),
    );
    await ok(
      labApi('PUT', '/tests', {
        items: [
          {
            serviceCode: 'XN-GLU',
            name: 'Glucose',
            loinc: '2345-7',
            specimenType: 'SER',
            containerType: 'SST',
            unit: 'mmol/L',
            decimals: 1,
            criticalLow: '2.5',
            criticalHigh: '25',
            referenceRanges: [{ sex: 'any', low: '3.9', high: '6.4' }],
            autoVerification: { code: 'AV-GLU', low: '3.0', high: '10.0' },
          },
        ],
      }),
    );
    const [pushPort, resultPort] = [await freePortBlock(1), await freePortBlock(1)];
    const dir = mkdtempSync(join(tmpdir(), 'analyzer-'));
    analyzer = await startAnalyzer(pushPort, dir);
    await ok(
      gwApi('POST', '/connections', {
        id: 'c311-orders',
        name: 'cobas c311 (orders)',
        protocol: 'hl7v2',
        role: 'connect',
        host: '127.0.0.1',
        port: pushPort,
        deviceApplication: 'cobas c311',
        orderMessage: 'OML^O21',
        tests: ['XN-GLU'],
        codeMap: [
          {
            deviceCode: '767',
            serviceCode: 'XN-GLU',
            serviceName: 'Glucose',
            loinc: '2345-7',
            deviceUnit: 'mmol/L',
            unit: 'mmol/L',
          },
        ],
      }),
    );
    await ok(
      gwApi('POST', '/connections', {
        id: 'c311-results',
        name: 'cobas c311 (results)',
        protocol: 'hl7v2',
        role: 'listen',
        host: '127.0.0.1',
        port: resultPort,
        deviceApplication: 'cobas c311',
        accepts: ['ORU^R01'],
        codeMap: [
          {
            deviceCode: '767',
            serviceCode: 'XN-GLU',
            serviceName: 'Glucose',
            loinc: '2345-7',
            deviceUnit: 'mmol/L',
            unit: 'mmol/L',
          },
        ],
      }),
    );

    // A patient checks in and the clinician orders a glucose.
    const patient = (
      await ok(
        hisApi('POST', '/patients', {
          citizenId: `079185${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
          fullName: 'Nguyễn Thị Hoa',
          birthDate: '1985-03-12',
          sex: 'female',
        }),
      )
    ).body;
    const encounter = (
      await ok(
        hisApi('POST', '/encounters', {
          patientId: patient.id,
          encounterClass: 'outpatient',
          departmentCode: 'K01',
        }),
      )
    ).body;
    const [order] = (
      await ok(hisApi('POST', `/encounters/${encounter.id}/orders`, { orders: [{ serviceCode: 'XN-GLU' }] }))
    ).body;

    // LIS accessions it; the tube is collected and received in the lab.
    const specimen = await eventually(async () => {
      const rows = (await labApi('GET', `/specimens?patientId=${patient.id}`)).body;
      return Array.isArray(rows) && rows.length ? rows[0] : undefined;
    }, 'the specimen labelled in LIS');
    await ok(labApi('POST', `/specimens/${specimen.barcode}/collect`, {}));
    await ok(labApi('POST', `/specimens/${specimen.barcode}/receive`, {}));

    // The work order reaches the analyzer.
    const oml = await eventually(async () => {
      const files = readdirSync(dir);
      return files.length
        ? parseHl7(readFileSync(join(dir, files[0]), 'utf8').replace(/\n/g, '\r'))
        : undefined;
    }, 'the OML^O21 at the analyzer');
    expect(oml.get('SPM-2')).toBe(specimen.barcode);
    expect(oml.get('OBR-4-1')).toBe('767');
    expect(oml.get('PID-5-1')).toBe('Nguyễn');
    expect((await hisApi('GET', `/orders/${order.id}`)).body.status).toBe('in-progress');

    // The analyzer measures and reports.
    const oru = [
      `MSH|^~\\&|cobas c311|BVDKT|HOSP-GW||${stamp()}||ORU^R01^ORU_R01|R${Date.now()}|P|2.5.1|||||VNM|UNICODE UTF-8`,
      `PID|1||${patient.patientCode}^^^^PI||Nguyễn^Thị Hoa`,
      `SPM|1|${specimen.barcode}||SER`,
      `OBR|1||${specimen.barcode}|767^Glucose^L|||${stamp()}`,
      `OBX|1|NM|767^Glucose^L||5.23|mmol/L|3.9-6.4|N|||F|||${stamp()}`,
    ].join('\r');
    const file = join(dir, 'oru.mllp');
    writeFileSync(file, Buffer.concat([Buffer.from([0x0b]), Buffer.from(oru), Buffer.from([0x1c, 0x0d])]));
    const { stdout } = await run('mllp_send', ['-p', String(resultPort), '-f', file, '127.0.0.1']);
    expect(stdout).toMatch(/MSA\|AA\|R\d+/);

    // The final result on the HIS timeline; the order done.
    const entry = await eventually(
      async () => {
        const t = (await hisApi('GET', `/patients/${patient.id}/timeline?kinds=lab-result`)).body;
        return t.length ? t[0] : undefined;
      },
      'the result on the HIS timeline',
      60_000,
    );
    expect(entry).toMatchObject({ encounterId: encounter.id, summary: 'Glucose: 5.2 mmol/L' });
    expect(entry.detail).toMatchObject({
      orderId: order.id,
      value: '5.2',
      unit: 'mmol/L',
      referenceRange: '3.9-6.4',
    });
    expect((await hisApi('GET', `/orders/${order.id}`)).body.status).toBe('completed');
    const results = (await labApi('GET', `/results?barcode=${specimen.barcode}`)).body;
    expect(results[0]).toMatchObject({ status: 'final', autoVerifiedRule: 'AV-GLU' });
  }, 180_000);
});

async function ok(p: ReturnType<JsonApi>): Promise<Awaited<ReturnType<JsonApi>>> {
  const r = await p;
  if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function startAnalyzer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('/usr/bin/python3', [ANALYZER, String(port), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`analyzer exited with ${code}`)));
  });
}

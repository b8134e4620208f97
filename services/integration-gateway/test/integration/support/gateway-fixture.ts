import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  bootService,
  type BootedService,
  type BootOptions,
  type JsonApi,
  jsonApi,
} from '@hosp/service-testing';
import { freePortBlock } from '@hosp/testing';
import { AppModule } from '../../../src/app.module';
import { serviceDefinition } from '../../../src/service.definition';

const run = promisify(execFile);

export function bootGateway(options: BootOptions = {}): Promise<BootedService> {
  return bootService(AppModule, serviceDefinition, options);
}

export type Api = JsonApi;
export const api = (booted: BootedService): Api => jsonApi(booted);

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** A Mindray-like hematology analyzer that connects to the gateway and sends ORU^R01. */
export async function analyzerConnection(call: Api, overrides: Record<string, unknown> = {}) {
  const port = await freePortBlock(1);
  const body = {
    id: `bc5380-${port}`,
    name: 'Mindray BC-5380, Khoa Xét nghiệm',
    protocol: 'hl7v2',
    role: 'listen',
    host: '127.0.0.1',
    port,
    deviceApplication: 'BC-5380',
    hl7Version: '2.3.1',
    accepts: ['ORU^R01', 'QBP^Q11'],
    tests: ['XN-CBC'],
    codeMap: [
      {
        deviceCode: '6690-2',
        serviceCode: 'XN-WBC',
        serviceName: 'Số lượng bạch cầu',
        loinc: '6690-2',
        deviceUnit: '10*9/L',
        unit: '10*9/L',
      },
      {
        deviceCode: '718-7',
        serviceCode: 'XN-HGB',
        serviceName: 'Huyết sắc tố',
        loinc: '718-7',
        deviceUnit: 'g/L',
        unit: 'g/L',
      },
      { deviceCode: '777-3', serviceCode: 'XN-PLT', serviceName: 'Số lượng tiểu cầu', loinc: '777-3' },
    ],
    ...overrides,
  };
  const r = await call('POST', '/connections', body);
  if (r.status !== 201) throw new Error(`connection not created: ${JSON.stringify(r.body)}`);
  return r.body as { id: string; port: number };
}

/** HL7 segments joined with CR, wrapped in an MLLP frame: what `mllp_send -f` reads. */
export function framed(...messages: string[]): Buffer {
  return Buffer.concat(
    messages.map((m) =>
      Buffer.concat([Buffer.from([0x0b]), Buffer.from(m.replace(/\r?\n/g, '\r')), Buffer.from([0x1c, 0x0d])]),
    ),
  );
}

/**
 * Sends messages with Debian's `mllp_send` (python3-hl7): an MLLP client we did not write. Returns the
 * ACKs it printed, one string per message.
 */
export async function mllpSend(port: number, messages: Buffer): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mllp-send-'));
  const file = join(dir, 'messages.mllp');
  writeFileSync(file, messages);
  const { stdout } = await run('mllp_send', ['-p', String(port), '-f', file, '127.0.0.1'], {
    timeout: 30_000,
  });
  return stdout
    .split(/(?=MSH\|)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function ackField(ack: string, segment: string, field: number): string {
  const seg = ack.split(/\r|\n/).find((s) => s.startsWith(`${segment}|`));
  return seg?.split('|')[field] ?? '';
}

export { eventually, publishAs, readEvents } from '@hosp/service-testing';

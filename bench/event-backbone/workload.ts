import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EnvelopeSchema, PatientRegisteredSchema, Sex } from '@hosp/contracts';
import {
  CE_SPEC_VERSION,
  childTraceParent,
  createKafka,
  envelopeToHeaders,
  PROTOBUF_CONTENT_TYPE,
} from '@hosp/platform-kafka';
import type { IsolatedContext } from '@hosp/testing';
import type { Kafka } from 'kafkajs';

/** The same service name and facility code on both paths, so the CloudEvents headers are the same size. */
export const BENCH_SERVICE = 'his';
export const BENCH_FACILITY = '79001';

/**
 * A Kafka client configured as the services configure theirs (createKafka: retries, timeouts, pino logs),
 * pointed at the run's broker with the run's topic prefix. Both paths use it, so neither gets a better client.
 */
export function benchKafka(ctx: IsolatedContext, service: string): Kafka {
  return createKafka(ctx.kafkaSettings(service));
}

export function patientId(i: number, patients: number): string {
  return `BN${String(i % patients).padStart(8, '0')}`;
}

/**
 * The event both paths carry: a PatientRegistered with every field set, of the size a real registration has
 * (about 90 bytes of protobuf). Fixed-width fields keep the size the same from event to event.
 */
export function patientRegistered(i: number, patients: number) {
  return create(PatientRegisteredSchema, {
    patientId: patientId(i, patients),
    citizenId: String(79_000_000_000 + i).padStart(12, '0'),
    insuranceCardNumber: `DN4797${String(i).padStart(9, '0')}`,
    fullName: 'Nguyễn Thị Hoa',
    birthDate: '19800115',
    sex: Sex.FEMALE,
    registeredAt: timestampFromDate(new Date()),
  });
}

/** A raw record with the platform's exact payload and headers (what OutboxWriter.append would store). */
export function rawRecord(
  i: number,
  patients: number,
): { id: string; key: string; value: Buffer; headers: Record<string, string> } {
  const message = patientRegistered(i, patients);
  const id = randomUUID();
  const envelope = create(EnvelopeSchema, {
    id,
    type: PatientRegisteredSchema.typeName,
    source: `urn:hosp:${BENCH_SERVICE}`,
    specVersion: CE_SPEC_VERSION,
    time: timestampFromDate(new Date()),
    subject: message.patientId,
    dataContentType: PROTOBUF_CONTENT_TYPE,
    traceparent: childTraceParent(undefined),
    facility: BENCH_FACILITY,
    partitionKey: message.patientId,
    correlationId: '',
  });
  return {
    id,
    key: message.patientId,
    value: Buffer.from(toBinary(PatientRegisteredSchema, message)),
    headers: envelopeToHeaders(envelope),
  };
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles of a list of millisecond values. */
export function summarize(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    count: sorted.length,
    p50Ms: round(at(50)),
    p90Ms: round(at(90)),
    p99Ms: round(at(99)),
    maxMs: round(sorted.length ? sorted[sorted.length - 1] : NaN),
  };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export class BenchAborted extends Error {}

/** Resolves when `done()` holds; rejects at the deadline or when the run is aborted. */
export async function waitUntil(
  what: string,
  done: () => boolean,
  deadline: number,
  signal: AbortSignal,
  progress?: () => string,
): Promise<void> {
  let lastReport = Date.now();
  while (!done()) {
    if (signal.aborted) throw new BenchAborted(`aborted while waiting for ${what}`);
    if (Date.now() > deadline)
      throw new BenchAborted(`timed out waiting for ${what}${progress ? ` (${progress()})` : ''}`);
    if (progress && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      process.stderr.write(`  ... ${what}: ${progress()}\n`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resources to release at the end, in reverse order of acquisition, also after a failure. */
export class Teardown {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> }> = [];

  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  async run(timeoutMs = 30_000): Promise<string[]> {
    const failures: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          step.run(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not finish in ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (err) {
        failures.push(`${step.what}: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return failures;
  }
}

/**
 * Open-loop pacing for `--rate`: event k may start at t0 + k / rate. Without a rate every call returns at
 * once and the path runs flat out (closed loop, saturation).
 */
export class Pacer {
  private t0 = 0;

  constructor(private readonly eventsPerSecond: number) {}

  start(): void {
    this.t0 = performance.now();
  }

  async before(eventIndex: number): Promise<void> {
    if (!this.eventsPerSecond) return;
    const due = this.t0 + (eventIndex / this.eventsPerSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

export interface CpuUse {
  /** CPU time of this Node process (all its threads) over the phase, in % of one core. */
  nodeProcessPct: number;
  /** The Kafka broker process(es) of the stack, in % of one core; -1 when not measurable. */
  brokerPct: number;
  /** The PostgreSQL backends serving this run's database, in % of one core; -1 when not measurable. */
  postgresPct: number;
  /** Whole machine (every process, every core) busy over the phase, in % of all cores; -1 off Linux. */
  machineBusyPct: number;
}

function machineTicks(): { busy: number; total: number } | undefined {
  if (!existsSync('/proc/stat')) return undefined;
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = cpu[3] + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

/** utime + stime of a process in ms (Linux /proc, USER_HZ 100), or undefined when it cannot be read. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Pids of the local stack's Kafka nodes, from the pid files the stack launcher writes. */
export function brokerPids(kafkaDir: string | undefined): number[] {
  if (!kafkaDir || !existsSync(kafkaDir)) return [];
  return readdirSync(kafkaDir)
    .filter((f) => /^node-\d+\.pid$/.test(f))
    .map((f) => Number(readFileSync(join(kafkaDir, f), 'utf8').trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0 && processCpuMs(pid) !== undefined);
}

function groupCpuMs(pids: number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms !== undefined) m.set(pid, ms);
  }
  return m;
}

/**
 * Measures the CPU a phase used: this process's, the broker's, the run's PostgreSQL backends' (pids asked for
 * at the start and at the end: a backend that appears during the phase counts whole) and the machine's.
 */
export async function cpuMeter(
  broker: number[],
  postgresBackends: () => Promise<number[]> = async () => [],
): Promise<() => Promise<CpuUse>> {
  const t = performance.now();
  const node = process.cpuUsage();
  const machine = machineTicks();
  const brokerStart = groupCpuMs(broker);
  const pgStart = groupCpuMs(await postgresBackends());
  const pct = (ms: number, wallMs: number) => round((ms / wallMs) * 100, 0);
  const delta = (start: Map<number, number>, end: Map<number, number>) =>
    [...end].reduce((sum, [pid, ms]) => sum + ms - (start.get(pid) ?? 0), 0);
  return async () => {
    const wallMs = performance.now() - t;
    const used = process.cpuUsage(node);
    const m = machineTicks();
    const pgEnd = groupCpuMs([...new Set([...pgStart.keys(), ...(await postgresBackends())])]);
    return {
      nodeProcessPct: pct((used.user + used.system) / 1000, wallMs),
      brokerPct: brokerStart.size ? pct(delta(brokerStart, groupCpuMs(broker)), wallMs) : -1,
      postgresPct: pgEnd.size ? pct(delta(pgStart, pgEnd), wallMs) : -1,
      machineBusyPct:
        machine && m && m.total > machine.total
          ? round(((m.busy - machine.busy) / (m.total - machine.total)) * 100, 0)
          : -1,
    };
  };
}

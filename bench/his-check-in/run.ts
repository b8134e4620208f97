/**
 * bench/his-check-in: check-ins per second and the latency of the HIS reception check-in path
 * (POST /reception/check-ins: find or register the patient, open the encounter, issue the room's queue
 * ticket, charge the exam fee, all in one transaction with its outbox events), beside two references
 * measured in the same run: GET /health/live of the same service (HTTP + Nest, no database) and a bare
 * BEGIN; INSERT; COMMIT on the service's own database (what one durable write costs). See bench/README.md.
 *
 *   npm run -s bench:his-check-in -- [--check-ins 1500] [--concurrency 16] [--rate 50] [--help]
 *
 * Reports, never asserts: exits 0 whatever the figures (check-ins that did not answer 201 are counted and
 * printed with their bodies), 1 only when the run itself failed (setup, timeout, error).
 */
// First: the HIS's log level, and services/ + libs/ compiled with the decorator metadata Nest needs.
import './prelude';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { bootService, type BootedService } from '@hosp/service-testing';
import {
  type IsolatedContext,
  KAFKA_VERSION,
  readStackState,
  testStack,
  type TestStack,
} from '@hosp/testing';
import { Client, Pool } from 'pg';
import { AppModule } from '../../services/his/src/app.module';
import { serviceDefinition } from '../../services/his/src/service.definition';
import {
  BenchAborted,
  benchKafka,
  brokerPids,
  type CpuUse,
  cpuMeter,
  type LatencySummary,
  round,
  summarize,
  Teardown,
} from '../event-backbone/workload';
import { LoadClient, type LoadJob, type LoadRequest, type LoadResult } from './client';
import { type BenchConfig, parseConfig, usage } from './config';
import {
  assertValid,
  checkInBody,
  registration,
  seededRandom,
  shuffle,
  syntheticPatient,
  type SyntheticPatient,
  type VisitKind,
} from './population';
import { runBenchCli } from '../shared/bench-cli';

// kafkajs 2.2.4 (the HIS's outbox relay) schedules a timer at a negative delay on every run, which Node 24
// reports. Harmless; keep it out of the report (as bench/event-backbone does).
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type !== 'TimeoutNegativeWarning') emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

/** The issue's morning: a category-I hospital receives about 1,500 visits in a morning. */
const MORNING_VISITS = 1500;
const REQUEST_TIMEOUT_MS = 60_000;
const OPEN_LOOP_MAX_IN_FLIGHT = 1000;
const OUTBOX_DRAIN_LIMIT_MS = 60_000;
const VISIT_KINDS: VisitKind[] = ['first visit', 'returning, card', 'returning, CCCD'];

interface Latency extends LatencySummary {
  p95Ms: number;
}

/** summarize() of the event-backbone bench (nearest rank) plus the p95 the issue asks for. */
function latency(values: number[]): Latency {
  const sorted = Float64Array.from(values).sort();
  const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] : NaN;
  return { ...summarize(values), p95Ms: round(p95) };
}

interface Cpu extends CpuUse {
  /** The load client's thread, in % of one core (it runs in this process: nodeProcessPct includes it). */
  clientThreadPct: number;
  /** This process minus the client thread: the HIS (and, in the INSERT reference, the bench's pg pool). */
  serviceNodePct: number;
  /** Main thread's event loop busy share, in %: the HIS's single JavaScript thread. */
  mainLoopBusyPct: number;
  /** The longest the main thread's event loop was late (a GC pause, a long task, no core free), in ms. */
  mainLoopDelayMaxMs: number;
}

interface Failure {
  index: number;
  status: number;
  request: string;
  body: string;
}

interface PhaseResult {
  name: string;
  requests: number;
  ok: number;
  seconds: number;
  /** Successful requests per second, first send to last answer. */
  perSecond: number;
  latency: Latency;
  /** Check-in runs: latency of each kind of visit. */
  byKind?: Partial<Record<VisitKind, Latency>>;
  /** Open loop: the rate offered, the client's own worst lag behind schedule, the peak in flight. */
  offeredPerSecond?: number;
  maxSendLagMs?: number;
  maxInFlight?: number;
  /** Check-in runs: the most rows seen waiting in platform_outbox (sampled every 250 ms). */
  maxOutboxRows?: number;
  /** Check-in runs: statements sent to PostgreSQL per successful check-in (the HIS and its outbox relay). */
  statementsPerCheckIn?: number;
  /** Check-in runs: CPU per successful check-in, in ms (-1 when not measurable). */
  cpuMsPerCheckIn?: { serviceNode: number; postgres: number; broker: number; client: number };
  cpu: Cpu;
  failures: Failure[];
}

interface MachineContext {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  freeMemoryGb: number;
  loadAverage1m: number;
  node: string;
  kafka: string;
  postgres: string;
  postgresSettings: Record<string, string>;
}

async function machineContext(pg: Client, stack: TestStack): Promise<MachineContext> {
  const settings = await pg.query<{ name: string; setting: string; unit: string | null }>(
    `SELECT name, setting, unit FROM pg_settings
     WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers',
                    'max_connections', 'commit_delay')`,
  );
  const s = Object.fromEntries(
    settings.rows.map((r) => [r.name, r.unit && r.unit !== '' ? `${r.setting} x ${r.unit}` : r.setting]),
  );
  const state = readStackState();
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(freemem() / 2 ** 30, 1),
    loadAverage1m: round(loadavg()[0], 2),
    node: process.version,
    kafka: `${KAFKA_VERSION} (${state?.kafka.mode ?? stack.source}, ${stack.brokers.length} broker${stack.brokers.length > 1 ? 's' : ''})`,
    postgres: s['server_version'] ?? 'unknown',
    postgresSettings: s,
  };
}

/** The bench talks to the local stack only. */
function assertLocal(stack: TestStack): void {
  const hosts = [...stack.brokers.map((b) => b.split(':')[0]), new URL(stack.databaseServerUrl).hostname];
  const remote = hosts.filter((h) => !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(h));
  if (remote.length) throw new Error(`refusing to bench against non-local hosts: ${remote.join(', ')}`);
}

async function deleteKafkaResources(ctx: IsolatedContext): Promise<void> {
  const admin = benchKafka(ctx, 'bench-admin').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ctx.topicPrefix));
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(ctx.topicPrefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}

/** The result file may be committed: write it as `npm run format` would, so `format:check` stays green. */
async function formatLikeTheRepository(json: string, file: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    return await prettier.format(json, { ...(await prettier.resolveConfig(file)), filepath: file });
  } catch {
    return json;
  }
}

const describeRequest = (r: LoadRequest) => `${r.method} ${r.path}${r.body ? ` ${r.body}` : ''}`;

/** Setup steps must all succeed: the runs would measure something else otherwise. */
function requireAll(what: string, job: LoadJob, result: LoadResult): void {
  if (!result.failures.length) return;
  const f = result.failures[0];
  throw new Error(
    `${what}: ${result.failures.length} of ${job.requests.length} requests did not answer ${job.expectStatus}; ` +
      `first: ${describeRequest(job.requests[f.index])} -> ${f.status} ${f.body}`,
  );
}

interface Measurement {
  wallMs: number;
  clientCpuMs: number;
}

/** CPU over a phase: the machine, broker and PostgreSQL (cpuMeter), the client thread and the main loop. */
async function measureCpu<T>(
  broker: number[],
  backends: () => Promise<number[]>,
  body: () => Promise<T & Measurement>,
): Promise<{ value: T & Measurement; cpu: Cpu }> {
  const stop = await cpuMeter(broker, backends);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const value = await body();
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  delay.disable();
  const base = await stop();
  const clientThreadPct = value.clientCpuMs < 0 ? -1 : round((value.clientCpuMs / wallMs) * 100, 0);
  return {
    value,
    cpu: {
      ...base,
      clientThreadPct,
      serviceNodePct: clientThreadPct < 0 ? -1 : Math.max(0, base.nodeProcessPct - clientThreadPct),
      mainLoopBusyPct: round(elu.utilization * 100, 0),
      mainLoopDelayMaxMs: round(delay.max / 1e6),
    },
  };
}

interface Plan {
  warmup: LoadRequest[];
  registrations: LoadRequest[];
  runs: Array<{ requests: LoadRequest[]; kinds: VisitKind[]; rooms: string[] }>;
  /** Synthetic patients made (warm-up, returning and first visits of both runs). */
  patients: number;
  /** Returning patients per run. */
  returning: number;
}

/** The synthetic population and every request, built (and validated) before anything is sent. */
function plan(cfg: BenchConfig): Plan {
  const random = seededRandom(cfg.seed);
  let nextPatient = 0;
  const patient = (): SyntheticPatient => {
    const p = syntheticPatient(nextPatient++, random);
    assertValid(p);
    return p;
  };
  const room = (i: number) => `P${101 + (i % cfg.rooms)}`;
  const checkIn = (body: object): LoadRequest => ({
    method: 'POST',
    path: '/reception/check-ins',
    body: JSON.stringify(body),
  });
  const warmup = Array.from({ length: cfg.warmup }, (_, i) =>
    checkIn(checkInBody(patient(), 'first visit', room(i))),
  );
  const registrations: LoadRequest[] = [];
  const returning = Math.round((cfg.checkIns * cfg.returningPct) / 100);
  const runs = [0, 1].map(() => {
    const kinds = shuffle(
      Array.from(
        { length: cfg.checkIns },
        (_, i): VisitKind =>
          i >= returning ? 'first visit' : i % 2 === 0 ? 'returning, card' : 'returning, CCCD',
      ),
      random,
    );
    const rooms = kinds.map((_, i) => room(i));
    const requests = kinds.map((kind, i) => {
      const p = patient();
      if (kind !== 'first visit')
        registrations.push({ method: 'POST', path: '/patients', body: JSON.stringify(registration(p)) });
      return checkIn(checkInBody(p, kind, rooms[i]));
    });
    return { requests, kinds, rooms };
  });
  return { warmup, registrations, runs, patients: nextPatient, returning };
}

function byKind(kinds: VisitKind[], result: LoadResult): Partial<Record<VisitKind, Latency>> {
  const out: Partial<Record<VisitKind, Latency>> = {};
  for (const kind of VISIT_KINDS) {
    const values = result.latencyMs.filter((_, i) => kinds[i] === kind && result.status[i] === 201);
    if (values.length) out[kind] = latency(values);
  }
  return out;
}

function phaseResult(
  name: string,
  job: LoadJob,
  result: LoadResult,
  cpu: Cpu,
  extra: Partial<PhaseResult> = {},
): PhaseResult {
  const okLatencies = result.latencyMs.filter((_, i) => result.status[i] === job.expectStatus);
  return {
    name,
    requests: job.requests.length,
    ok: okLatencies.length,
    seconds: round(result.seconds, 2),
    perSecond: round(okLatencies.length / result.seconds, 1),
    latency: latency(okLatencies),
    ...extra,
    cpu,
    failures: result.failures
      .sort((a, b) => a.index - b.index)
      .map((f) => ({ ...f, request: describeRequest(job.requests[f.index]) })),
  };
}

/** The second reference: `concurrency` connections each running BEGIN; INSERT one small row; COMMIT. */
async function insertReference(
  databaseUrl: string,
  cfg: BenchConfig,
  teardown: Teardown,
): Promise<{ latencyMs: number[]; seconds: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: cfg.concurrency, application_name: 'bench' });
  let ended = false;
  const end = async () => {
    if (!ended) await pool.end();
    ended = true;
  };
  teardown.add('reference pool end', end);
  await pool.query(`CREATE TABLE bench_scratch_write (id bigint PRIMARY KEY, note text NOT NULL)`);
  const clients = await Promise.all(Array.from({ length: cfg.concurrency }, () => pool.connect()));
  let id = 0;
  const tx = async (c: (typeof clients)[number]) => {
    await c.query('BEGIN');
    await c.query('INSERT INTO bench_scratch_write (id, note) VALUES ($1, $2)', [++id, 'check-in']);
    await c.query('COMMIT');
  };
  try {
    // Warm-up: connections and prepared plans, not measured.
    await Promise.all(
      clients.map(async (c) => {
        for (let k = 0; k < 20; k++) await tx(c);
      }),
    );
    const latencyMs = new Array<number>(cfg.referenceRequests);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (let k = next++; k < cfg.referenceRequests; k = next++) {
          const s = performance.now();
          await tx(c);
          latencyMs[k] = performance.now() - s;
        }
      }),
    );
    return { latencyMs, seconds: (performance.now() - t0) / 1000 };
  } finally {
    for (const c of clients) c.release();
    await end();
  }
}

interface Checks {
  checkInsAnswered201: number;
  encounters: number;
  queueTickets: number;
  examCharges: number;
  patients: number;
  patientsExpected: number;
  rooms: Array<{
    room: string;
    day: string;
    tickets: number;
    expected: number;
    lowest: number;
    highest: number;
    distinct: number;
    counter: number;
    gapless: boolean;
  }>;
  outboxLeft: number;
  outboxDrainedSeconds: number | null;
  consistent: boolean;
}

async function verify(
  pg: Client,
  answered: Array<{ room: string; ok: boolean }>,
  registered: number,
  firstVisits201: number,
  lastAnswerAt: number,
  deadline: number,
  signal: AbortSignal,
): Promise<Checks> {
  // The outbox first: every committed check-in's events must reach Kafka and leave the table.
  let outboxLeft = -1;
  let drainedAt: number | null = null;
  const limit = Math.min(deadline, Date.now() + OUTBOX_DRAIN_LIMIT_MS);
  while (!signal.aborted) {
    const [{ n }] = (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform_outbox`)).rows;
    outboxLeft = n;
    if (n === 0) {
      drainedAt = performance.now();
      break;
    }
    if (Date.now() > limit) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const [counts] = (
    await pg.query<{ encounters: number; tickets: number; charges: number; patients: number }>(
      `SELECT (SELECT count(*)::int FROM his_encounter) AS encounters,
              (SELECT count(*)::int FROM his_queue_ticket) AS tickets,
              (SELECT count(*)::int FROM his_charge WHERE item_code = 'KB01') AS charges,
              (SELECT count(*)::int FROM his_patient) AS patients`,
    )
  ).rows;
  const perRoom = await pg.query<{
    room: string;
    day: string;
    n: number;
    lo: number;
    hi: number;
    distinct: number;
    counter: number | null;
  }>(
    `SELECT t.room_code AS room, to_char(t.service_date, 'YYYY-MM-DD') AS day, count(*)::int AS n,
            min(t.seq)::int AS lo, max(t.seq)::int AS hi, count(DISTINCT t.seq)::int AS distinct,
            c.last_seq::int AS counter
     FROM his_queue_ticket t
     LEFT JOIN his_queue_counter c ON c.room_code = t.room_code AND c.service_date = t.service_date
     GROUP BY t.room_code, t.service_date, c.last_seq ORDER BY 1, 2`,
  );
  const expectedByRoom = new Map<string, number>();
  for (const a of answered) if (a.ok) expectedByRoom.set(a.room, (expectedByRoom.get(a.room) ?? 0) + 1);
  const days = new Set(perRoom.rows.map((r) => r.day));
  const rooms = perRoom.rows.map((r) => ({
    room: r.room,
    day: r.day,
    tickets: r.n,
    // A run that crosses midnight (UTC+7) restarts the numbers: then only the per-day numbering is checked.
    expected: days.size === 1 ? (expectedByRoom.get(r.room) ?? 0) : r.n,
    lowest: r.lo,
    highest: r.hi,
    distinct: r.distinct,
    counter: r.counter ?? -1,
    gapless: r.lo === 1 && r.hi === r.n && r.distinct === r.n && r.counter === r.n,
  }));
  for (const [room, expected] of expectedByRoom)
    if (!rooms.some((r) => r.room === room))
      rooms.push({
        room,
        day: '-',
        tickets: 0,
        expected,
        lowest: 0,
        highest: 0,
        distinct: 0,
        counter: -1,
        gapless: false,
      });
  const ok201 = answered.filter((a) => a.ok).length;
  const patientsExpected = registered + firstVisits201;
  return {
    checkInsAnswered201: ok201,
    encounters: counts.encounters,
    queueTickets: counts.tickets,
    examCharges: counts.charges,
    patients: counts.patients,
    patientsExpected,
    rooms,
    outboxLeft,
    outboxDrainedSeconds: drainedAt === null ? null : round((drainedAt - lastAnswerAt) / 1000, 2),
    consistent:
      counts.encounters === ok201 &&
      counts.tickets === ok201 &&
      counts.charges === ok201 &&
      counts.patients === patientsExpected &&
      rooms.every((r) => r.gapless && r.tickets === r.expected) &&
      outboxLeft === 0,
  };
}

/**
 * Counts the statements this process sends to PostgreSQL through node-postgres (the HIS's pool, its outbox
 * relay), except those of the bench's own client. TypeORM runs each statement, BEGIN and COMMIT included,
 * as one `Client.query` call.
 */
function countStatements(exclude: Client): () => number {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: Client, ...args: unknown[]) {
    if (this !== exclude) n++;
    return original.apply(this, args);
  };
  return () => {
    proto.query = original;
    return n;
  };
}

function table(t: string[][]): string[] {
  const widths = t[0].map((_, c) => Math.max(...t.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(t[0]), line(widths.map((w) => '-'.repeat(w))), ...t.slice(1).map(line)];
}

function errorCode(body: string): string {
  return /"code"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? body.slice(0, 60);
}

function printReport(
  machine: MachineContext,
  cfg: BenchConfig,
  p: Plan,
  phases: { health: PhaseResult; insert: PhaseResult; saturation: PhaseResult; paced: PhaseResult },
  checks: Checks,
): Record<string, number> {
  const { health, insert, saturation, paced } = phases;
  const all = [health, insert, saturation, paced];
  const ms = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(1));
  const pct = (n: number) => (n < 0 ? '-' : `${n}%`);
  const morningRate = MORNING_VISITS / (cfg.morningHours * 3600);
  const figures = {
    checkInsPerSecond: saturation.perSecond,
    pacedP99Ms: paced.latency.p99Ms,
    checkInsOverHealth: round(saturation.perSecond / health.perSecond, 3),
    checkInsOverInsertTx: round(saturation.perSecond / insert.perSecond, 3),
    headroomOverMorningAverage: round(saturation.perSecond / morningRate, 0),
    morningSeconds: round(MORNING_VISITS / saturation.perSecond, 1),
  };
  const returning = p.returning;
  const kindRows = VISIT_KINDS.map((kind) => {
    const count =
      kind === 'first visit'
        ? cfg.checkIns - returning
        : kind === 'returning, card'
          ? Math.ceil(returning / 2)
          : Math.floor(returning / 2);
    const cell = (r: PhaseResult) => {
      const l = r.byKind?.[kind];
      return l ? `${ms(l.p50Ms)} / ${ms(l.p99Ms)}` : '-';
    };
    return [`${kind} (${count} per run)`, cell(saturation), cell(paced)];
  });
  const failures = [saturation, paced].flatMap((r) => r.failures.map((f) => ({ ...f, run: r.name })));
  const failureGroups = new Map<string, number>();
  for (const f of failures) {
    const key = `${f.status} ${errorCode(f.body)}`;
    failureGroups.set(key, (failureGroups.get(key) ?? 0) + 1);
  }
  const pg = machine.postgresSettings;
  const out = [
    '',
    'his-check-in bench',
    `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, load ${machine.loadAverage1m}`,
    `software: node ${machine.node}, PostgreSQL ${machine.postgres} (fsync ${pg['fsync']}, synchronous_commit ` +
      `${pg['synchronous_commit']}, wal_sync_method ${pg['wal_sync_method']}), Kafka ${machine.kafka}`,
    `workload: ${cfg.checkIns} check-ins per run (+${cfg.warmup} warm-up), each patient once: ` +
      `${cfg.checkIns - returning} first visits (CCCD + BHYT card + demographics: look up, register, check in), ` +
      `${returning} returning (registered beforehand; half scan the card, half the CCCD); ` +
      `${cfg.rooms} rooms round-robin; exam fee KB01 charged at each check-in`,
    `the HIS runs in this process (its own database and topic prefix, LOG_LEVEL ${process.env['LOG_LEVEL']}); ` +
      'the HTTP client in a worker thread; requests built and identifiers validated before the clock starts',
    '',
    ...table([
      ['run', 'requests', 'ok', 'seconds', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      ...all.map((r) => [
        r.name,
        String(r.requests),
        String(r.ok),
        r.seconds.toFixed(2),
        r.perSecond.toFixed(1),
        ms(r.latency.p50Ms),
        ms(r.latency.p95Ms),
        ms(r.latency.p99Ms),
        ms(r.latency.maxMs),
      ]),
    ]),
    `  (ok = answered 200 for /health/live, 201 for a check-in; latency: send -> body read, or for the ` +
      `${cfg.rate}/s run its due time -> body read)`,
    '',
    ...table([['check-in p50 / p99 ms by visit', saturation.name, paced.name], ...kindRows]),
    '',
    ...table([
      [
        'CPU while measuring',
        'node (HIS)',
        'HIS event loop',
        'loop late max',
        'client thread',
        'PostgreSQL',
        'broker',
        'machine',
      ],
      ...all.map((r) => [
        r.name,
        pct(r.cpu.serviceNodePct),
        pct(r.cpu.mainLoopBusyPct),
        `${r.cpu.mainLoopDelayMaxMs.toFixed(0)} ms`,
        pct(r.cpu.clientThreadPct),
        pct(r.cpu.postgresPct),
        pct(r.cpu.brokerPct),
        pct(r.cpu.machineBusyPct),
      ]),
    ]),
    `  (% of one core; machine: % of all ${machine.cores} cores, anything else running included. node (HIS): ` +
      "this process minus the client thread; for the INSERT run that is the bench's pg pool, the HIS idles.",
    '   HIS event loop: share of the time its thread was busy; loop late max: its longest stall)',
    '',
    `${paced.name}: achieved ${paced.perSecond}/s, ${paced.maxInFlight} in flight at most, the client ` +
      `sent at most ${round(paced.maxSendLagMs ?? 0)} ms behind schedule`,
    `outbox rows waiting at most: ${saturation.maxOutboxRows} (flat out), ${paced.maxOutboxRows} (${cfg.rate}/s)`,
    ...[saturation, paced].map((r) => {
      const c = r.cpuMsPerCheckIn;
      const cpu = (n: number | undefined) => (n === undefined || n < 0 ? '-' : n.toFixed(2));
      return (
        `per check-in, ${r.name}: ${r.statementsPerCheckIn} PostgreSQL statements (the HIS, its outbox relay); ` +
        `CPU ms: HIS node ${cpu(c?.serviceNode)}, PostgreSQL ${cpu(c?.postgres)}, broker ${cpu(c?.broker)}, client ${cpu(c?.client)}`
      );
    }),
    '',
    failures.length
      ? `ERRORS: ${failures.length} of ${saturation.requests + paced.requests} measured check-ins did not answer 201: ` +
        [...failureGroups].map(([k, n]) => `${n} x ${k}`).join(', ')
      : `every measured check-in answered 201 (${saturation.ok + paced.ok})`,
    ...failures.slice(0, 20).map((f) => `  ${f.run} #${f.index}: ${f.request}\n    -> ${f.status} ${f.body}`),
    ...(failures.length > 20 ? [`  ... ${failures.length - 20} more in the JSON file`] : []),
    '',
    `check: ${checks.checkInsAnswered201} check-ins answered 201 (warm-up included) -> ${checks.encounters} encounters, ` +
      `${checks.queueTickets} queue tickets, ${checks.examCharges} exam-fee charges; ${checks.patients} patients ` +
      `(expected ${checks.patientsExpected}: registered beforehand + first visits)`,
    `check: queue tickets per room: ` +
      checks.rooms
        .map(
          (r) =>
            `${r.room} ${r.lowest}..${r.highest}${r.gapless && r.tickets === r.expected ? '' : ` (${r.tickets} tickets, ${r.distinct} distinct, counter ${r.counter}, expected ${r.expected})`}`,
        )
        .join(', ') +
      (checks.rooms.every((r) => r.gapless && r.tickets === r.expected)
        ? ' -> numbered 1..n without gaps'
        : ' -> GAPS OR MISSING TICKETS'),
    `check: outbox ${checks.outboxLeft === 0 ? `drained, ${checks.outboxDrainedSeconds} s after the last answer` : `NOT DRAINED: ${checks.outboxLeft} rows left after ${OUTBOX_DRAIN_LIMIT_MS / 1000} s`}`,
    `check: ${checks.consistent ? 'consistent' : 'INCONSISTENT (see above)'}`,
    '',
    `check-ins/s flat out (${cfg.concurrency} clients): ${saturation.perSecond}; beside GET /health/live ` +
      `${health.perSecond}/s (x${figures.checkInsOverHealth}) and BEGIN; INSERT; COMMIT ${insert.perSecond}/s ` +
      `(x${figures.checkInsOverInsertTx})`,
    `at ${cfg.rate} check-ins/s offered: p50 ${ms(paced.latency.p50Ms)} ms, p95 ${ms(paced.latency.p95Ms)} ms, ` +
      `p99 ${ms(paced.latency.p99Ms)} ms, max ${ms(paced.latency.maxMs)} ms`,
    `morning peak: ${MORNING_VISITS} visits over ${cfg.morningHours} h is ${morningRate.toFixed(2)} check-ins/s on ` +
      `average; flat out the HIS checks in a whole morning in ${figures.morningSeconds} s ` +
      `(${figures.headroomOverMorningAverage} x the average)`,
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
  return figures;
}

async function measure(cfg: BenchConfig, teardown: Teardown, deadline: number, signal: AbortSignal) {
  const stack = await testStack();
  assertLocal(stack);
  const p = plan(cfg);
  process.stderr.write(
    `bench: ${p.patients} synthetic patients validated (CCCD, BHYT card); ${p.registrations.length} to register beforehand\n`,
  );

  const t0 = performance.now();
  const his: BootedService = await bootService(AppModule, serviceDefinition);
  const ctx = his.ctx;
  teardown.add('delete topics and groups', () => deleteKafkaResources(ctx));
  teardown.add('drop database', () => ctx.cleanup());
  teardown.add('close the HIS', () => his.close());
  process.stderr.write(
    `bench: HIS up at ${his.baseUrl} in ${round((performance.now() - t0) / 1000, 1)} s; prefix ${ctx.topicPrefix}, ` +
      `database ${new URL(ctx.databaseUrl).pathname.slice(1)}\n`,
  );
  const pg = new Client({ connectionString: ctx.databaseUrl, application_name: 'bench' });
  await pg.connect();
  teardown.add('bench pg client end', () => pg.end());
  const machine = await machineContext(pg, stack);
  const client = new LoadClient();
  teardown.add('load client thread', () => client.close());
  const broker = brokerPids(readStackState()?.kafka.dir);
  const backends = async () =>
    (
      await pg.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      )
    ).rows.map((r) => r.pid);
  const job = (requests: LoadRequest[], expectStatus: number, rate = 0): LoadJob => ({
    baseUrl: his.baseUrl,
    requests,
    concurrency: cfg.concurrency,
    rate,
    maxInFlight: OPEN_LOOP_MAX_IN_FLIGHT,
    expectStatus,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  const guard = () => {
    if (signal.aborted) throw signal.reason as Error;
    if (Date.now() > deadline) throw new BenchAborted(`timed out after ${cfg.timeoutSeconds} s`);
  };

  // Setup, not measured: the exam service, the returning patients, a warm-up.
  const catalog = await fetch(`${his.baseUrl}/catalog/services`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      items: [
        {
          code: 'KB01',
          name: 'Khám Nội tổng quát',
          category: 'exam',
          hospitalPrice: '34500',
          insurancePrice: '34500',
          performingDepartment: 'K01',
        },
      ],
    }),
  });
  if (catalog.status !== 200)
    throw new Error(`PUT /catalog/services -> ${catalog.status} ${await catalog.text()}`);
  await catalog.text();
  process.stderr.write(`bench: registering ${p.registrations.length} returning patients ...\n`);
  const regJob = job(p.registrations, 201);
  requireAll('registering the returning patients (POST /patients)', regJob, await client.run(regJob));
  guard();
  process.stderr.write(`bench: warm-up (${cfg.warmup} check-ins, 500 health probes) ...\n`);
  const warmJob = job(p.warmup, 201);
  requireAll('warm-up check-ins', warmJob, await client.run(warmJob));
  const healthRequests = (n: number) =>
    Array.from({ length: n }, (): LoadRequest => ({ method: 'GET', path: '/health/live' }));
  const warmHealth = job(healthRequests(500), 200);
  requireAll('warm-up GET /health/live', warmHealth, await client.run(warmHealth));
  guard();

  // Reference 1: the same client, the same service, a route with no database work.
  process.stderr.write(
    `bench: GET /health/live x ${cfg.referenceRequests}, ${cfg.concurrency} clients ...\n`,
  );
  const healthJob = job(healthRequests(cfg.referenceRequests), 200);
  const h = await measureCpu(broker, backends, async () => {
    const r = await client.run(healthJob);
    return { ...r, wallMs: r.seconds * 1000 };
  });
  const health = phaseResult(`GET /health/live, ${cfg.concurrency} clients`, healthJob, h.value, h.cpu);
  guard();

  // Reference 2: one durable write on the service's own database, as many at once as there are clients.
  process.stderr.write(
    `bench: BEGIN; INSERT; COMMIT x ${cfg.referenceRequests}, ${cfg.concurrency} connections ...\n`,
  );
  const ins = await measureCpu(broker, backends, async () => {
    const r = await insertReference(ctx.databaseUrl, cfg, teardown);
    return { ...r, wallMs: r.seconds * 1000, clientCpuMs: 0 };
  });
  const insert: PhaseResult = {
    name: `BEGIN; INSERT; COMMIT, ${cfg.concurrency} connections`,
    requests: cfg.referenceRequests,
    ok: cfg.referenceRequests,
    seconds: round(ins.value.seconds, 2),
    perSecond: round(cfg.referenceRequests / ins.value.seconds, 1),
    latency: latency(ins.value.latencyMs),
    cpu: ins.cpu,
    failures: [],
  };
  guard();

  // The check-in runs: flat out, then paced; outbox backlog sampled meanwhile.
  const runCheckIns = async (name: string, index: 0 | 1, rate: number): Promise<PhaseResult> => {
    process.stderr.write(`bench: ${name} ...\n`);
    const run = p.runs[index];
    const checkInJob = job(run.requests, 201, rate);
    let sampling = true;
    let maxOutboxRows = 0;
    const statements = countStatements(pg);
    let statementCount = -1;
    const sampler = (async () => {
      while (sampling) {
        const [{ n }] = (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform_outbox`))
          .rows;
        maxOutboxRows = Math.max(maxOutboxRows, n);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    try {
      const m = await measureCpu(broker, backends, async () => {
        const r = await client.run(checkInJob);
        statementCount = statements();
        return { ...r, wallMs: r.seconds * 1000 };
      });
      const ok = m.value.status.filter((st) => st === 201).length;
      const perCheckIn = (pctOfCore: number) =>
        pctOfCore < 0 || !ok ? -1 : round(((pctOfCore / 100) * m.value.wallMs) / ok, 2);
      const r = phaseResult(name, checkInJob, m.value, m.cpu, {
        byKind: byKind(run.kinds, m.value),
        maxOutboxRows,
        statementsPerCheckIn: ok ? round(statementCount / ok, 1) : -1,
        cpuMsPerCheckIn: {
          serviceNode: perCheckIn(m.cpu.serviceNodePct),
          postgres: perCheckIn(m.cpu.postgresPct),
          broker: perCheckIn(m.cpu.brokerPct),
          client: perCheckIn(m.cpu.clientThreadPct),
        },
        ...(rate
          ? {
              offeredPerSecond: rate,
              maxSendLagMs: round(m.value.maxSendLagMs),
              maxInFlight: m.value.maxInFlight,
            }
          : { maxInFlight: m.value.maxInFlight }),
      });
      process.stderr.write(
        `bench: ${r.perSecond} check-ins/s, p99 ${r.latency.p99Ms} ms, ${r.requests - r.ok} not 201\n`,
      );
      return { ...r, maxOutboxRows };
    } finally {
      if (statementCount < 0) statements();
      sampling = false;
      await sampler;
    }
  };
  const saturation = await runCheckIns(`check-in, ${cfg.concurrency} clients flat out`, 0, 0);
  guard();
  const paced = await runCheckIns(`check-in, ${cfg.rate}/s offered`, 1, cfg.rate);
  const lastAnswerAt = performance.now();
  guard();

  process.stderr.write('bench: checking encounters, queue numbers and the outbox ...\n');
  const answered = [
    ...p.warmup.map((_, i) => ({ room: `P${101 + (i % cfg.rooms)}`, ok: true })),
    ...[saturation, paced].flatMap((r, k) => {
      const failed = new Set(r.failures.map((f) => f.index));
      return p.runs[k].rooms.map((room, i) => ({ room, ok: !failed.has(i) }));
    }),
  ];
  const firstVisits201 =
    cfg.warmup +
    [saturation, paced].reduce((sum, r, k) => {
      const failed = new Set(r.failures.map((f) => f.index));
      return sum + p.runs[k].kinds.filter((kind, i) => kind === 'first visit' && !failed.has(i)).length;
    }, 0);
  const checks = await verify(
    pg,
    answered,
    p.registrations.length,
    firstVisits201,
    lastAnswerAt,
    deadline,
    signal,
  );

  const figures = printReport(machine, cfg, p, { health, insert, saturation, paced }, checks);
  const out = resolve(cfg.out);
  mkdirSync(dirname(out), { recursive: true });
  const json =
    JSON.stringify(
      {
        bench: 'his-check-in',
        at: new Date().toISOString(),
        machine,
        config: cfg,
        results: { health, insert, saturation, paced },
        checks,
        figures,
      },
      null,
      2,
    ) + '\n';
  writeFileSync(out, await formatLikeTheRepository(json, out));
  process.stdout.write(`results written to ${cfg.out}\n`);
}

runBenchCli({
  parse: parseConfig,
  usage,
  cleaning: 'client thread, pools, the HIS, its database and topics',
  measure: (cfg, teardown, signal, deadline) => measure(cfg, teardown, deadline, signal),
});

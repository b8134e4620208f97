/**
 * bench/gateway-ingest: how many ORU^R01 per second the integration gateway takes in over MLLP, each stored
 * with its events (one transaction) before its ACK, over 8 analyzer connections and over one, beside an MLLP
 * echo server measured in the same run (the same parse and ACK, nothing stored); and how long a result takes
 * from the analyzer's send to the HIS timeline at 100 results/s, with HIS, LIS and the gateway running
 * together. See bench/README.md.
 *
 *   npm run -s bench:gateway-ingest -- [--messages 20000] [--e2e-specimens 1000] [--e2e-rate 100] [--help]
 *
 * Reports, never asserts: exits 0 whatever the figures (errors are counted and printed), 1 only when the run
 * itself failed (setup, timeout, error).
 */
// First: the services' log level, and services/ + libs/ compiled with the decorator metadata Nest needs.
import '../his-check-in/prelude';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Topics } from '@hosp/contracts';
import { bootService, jsonApi, type JsonApi } from '@hosp/service-testing';
import { buildAck, parseHl7 } from '@hosp/standards-hl7v2';
import { MllpServer } from '@hosp/standards-hl7v2-mllp';
import {
  freePortBlock,
  type IsolatedContext,
  KAFKA_VERSION,
  readStackState,
  testStack,
  type TestStack,
} from '@hosp/testing';
import { Client } from 'pg';
import { AppModule as GatewayModule } from '../../services/integration-gateway/src/app.module';
import { serviceDefinition as gatewayDefinition } from '../../services/integration-gateway/src/service.definition';
import { AppModule as HisModule } from '../../services/his/src/app.module';
import { serviceDefinition as hisDefinition } from '../../services/his/src/service.definition';
import { AppModule as LabModule } from '../../services/laboratory/src/app.module';
import { serviceDefinition as labDefinition } from '../../services/laboratory/src/service.definition';
import {
  benchKafka,
  brokerPids,
  type CpuUse,
  cpuMeter,
  type LatencySummary,
  round,
  summarize,
  Teardown,
} from '../event-backbone/workload';
import { assertValid, registration, seededRandom, syntheticPatient } from '../his-check-in/population';
import {
  AnalyzerClients,
  type PacedItem,
  type PacedJob,
  type PacedResult,
  type SaturateResult,
} from './client';
import { type BenchConfig, parseConfig, usage } from './config';
import { catalogItems, codeMap, normalValue, PANEL, testDefinitions } from './oru';
import { PgProbe } from './pg-probe';
import { runBenchCli } from '../shared/bench-cli';

// kafkajs 2.2.4 (the services' outbox relays) schedules a timer at a negative delay on every run, which
// Node 24 reports. Harmless; keep it out of the report (as the other benches do).
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type !== 'TimeoutNegativeWarning') emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

/** The issue's targets. */
const TARGET_MSGS_PER_SECOND = 5_000;
const TARGET_E2E_P99_MS = 250;
const DRAIN_LIMIT_MS = 60_000;
/** After the last ACK of the end-to-end run, how long results may take to reach the timeline. */
const E2E_SETTLE_LIMIT_MS = 60_000;
const DEVICE = 'cobas c311';

interface Latency extends LatencySummary {
  p95Ms: number;
}

function latency(values: number[]): Latency {
  const finite = values.filter((v) => Number.isFinite(v));
  const sorted = Float64Array.from(finite).sort();
  const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] : NaN;
  return { ...summarize(finite), p95Ms: round(p95) };
}

interface Cpu extends CpuUse {
  /** The analyzers' thread, in % of one core (it runs in this process: nodeProcessPct includes it). */
  clientThreadPct: number;
  /** This process minus the analyzers' thread: the service(s) under test, or the echo server. */
  serviceNodePct: number;
  /** Main thread's event loop busy share, in %: the services' single JavaScript thread. */
  mainLoopBusyPct: number;
  mainLoopDelayMaxMs: number;
  /**
   * Every postgres process of the server, in % of one core: the run's backends plus the WAL writer,
   * checkpointer, autovacuum and anyone else's backends (-1 off Linux).
   */
  postgresServerPct: number;
  /**
   * The rest of the machine, in % of one core: machine busy minus this process, every postgres process and the
   * broker (other programs, the kernel's own work). High = the figures were taken on a busy machine.
   */
  othersPct: number;
}

/** Pids of every PostgreSQL server process on this machine (/proc/<pid>/comm is "postgres"). */
function postgresServerPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

interface MachineContext {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  freeMemoryGb: number;
  loadAverage1m: number;
  loadAverage1mAtEnd?: number;
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

/** Records on the gateway's two topics (sum over partitions), to check that the outbox reached Kafka. */
async function gatewayTopicRecords(ctx: IsolatedContext): Promise<number> {
  const admin = benchKafka(ctx, 'bench-admin').admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    let n = 0;
    for (const t of [Topics.GatewayHl7Inbound, Topics.GatewayAnalyzerResult]) {
      const name = `${ctx.topicPrefix}${t.name}`;
      if (!existing.has(name)) continue;
      for (const p of await admin.fetchTopicOffsets(name)) n += Number(p.high) - Number(p.low);
    }
    return n;
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

/** CPU over a phase: the machine, broker and PostgreSQL (cpuMeter), the client thread and the main loop. */
async function measureCpu<T extends { clientCpuMs: number }>(
  broker: number[],
  backends: () => Promise<number[]>,
  body: () => Promise<T>,
): Promise<{ value: T; cpu: Cpu; wallMs: number }> {
  const stop = await cpuMeter(broker, backends);
  const stopServer = await cpuMeter([], async () => postgresServerPids());
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const value = await body();
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  delay.disable();
  const base = await stop();
  const server = await stopServer();
  const clientThreadPct = value.clientCpuMs < 0 ? -1 : round((value.clientCpuMs / wallMs) * 100, 0);
  return {
    value,
    wallMs,
    cpu: {
      ...base,
      clientThreadPct,
      serviceNodePct: clientThreadPct < 0 ? -1 : Math.max(0, base.nodeProcessPct - clientThreadPct),
      mainLoopBusyPct: round(elu.utilization * 100, 0),
      mainLoopDelayMaxMs: round(delay.max / 1e6),
      postgresServerPct: server.postgresPct,
      othersPct:
        base.machineBusyPct < 0
          ? -1
          : Math.max(
              0,
              round(
                base.machineBusyPct * cpus().length -
                  base.nodeProcessPct -
                  Math.max(0, server.postgresPct) -
                  Math.max(0, base.brokerPct),
                0,
              ),
            ),
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `n` at a time, in order of the items. */
async function inPool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
    }),
  );
  return out;
}

async function ok(what: string, p: ReturnType<JsonApi>): Promise<Awaited<ReturnType<JsonApi>>> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** Polls `probe` every 100 ms until `done(value)`; returns the last value (also when the limit hit). */
async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  limitMs: number,
  signal: AbortSignal,
  intervalMs = 100,
): Promise<{ value: T; ok: boolean; ms: number }> {
  const t0 = performance.now();
  for (;;) {
    if (signal.aborted) throw signal.reason as Error;
    const value = await probe();
    if (done(value)) return { value, ok: true, ms: performance.now() - t0 };
    if (performance.now() - t0 > limitMs) return { value, ok: false, ms: performance.now() - t0 };
    await sleep(intervalMs);
  }
}

async function count(pg: Client, sql: string, params: unknown[] = []): Promise<number> {
  return (await pg.query<{ n: number }>(sql, params)).rows[0].n;
}

const dbName = (url: string) => new URL(url).pathname.slice(1);

// ---------------------------------------------------------------------------------------------------------
// Part 1: ingest, the gateway alone (its own database and topics) beside the echo server.

interface IngestRun {
  name: string;
  target: 'echo' | 'gateway';
  clients: number;
  listeners: number;
  messages: number;
  /** ACKs with MSA-1 AA among the measured messages. */
  aa: number;
  /** Other MSA-1 codes and how many. */
  otherAcks: Record<string, number>;
  failures: number;
  failureSamples: Array<{ index: number; error: string }>;
  seconds: number;
  /** AA-acknowledged messages per second, first send to last ACK. */
  perSecond: number;
  latency: Latency;
  meanBytes: number;
  perClient: number[];
  cpu: Cpu;
  /** CPU per message, in ms (-1 when not measurable). */
  cpuMsPerMessage: { serviceNode: number; postgres: number; broker: number; client: number };
  /** Gateway runs: statements and transactions the gateway sent to PostgreSQL per message, its relay included. */
  statementsPerMessage?: number;
  transactionsPerMessage?: number;
  /** Gateway runs: most rows seen waiting in platform_outbox (sampled every 250 ms). */
  maxOutboxRows?: number;
  /** Gateway runs: last ACK -> outbox empty, in s (null: not drained within the limit). */
  drainedSeconds?: number | null;
  /** Gateway runs: what the message store holds for the run's MSH-10s (warm-up included). */
  stored?: { accepted: number; rejected: number; refused: number; expectedAccepted: number };
}

interface IngestPart {
  runs: IngestRun[];
  kafka: { records: number; expected: number };
  outboxLeft: number;
  consistent: boolean;
}

async function ingestPart(
  cfg: BenchConfig,
  teardown: Teardown,
  clients: AnalyzerClients,
  probe: PgProbe,
  broker: number[],
  signal: AbortSignal,
): Promise<IngestPart> {
  const t0 = performance.now();
  const gw = await bootService(GatewayModule, gatewayDefinition);
  const ctx = gw.ctx;
  const closeGateway = once(async () => {
    try {
      await gw.close();
    } finally {
      await deleteKafkaResources(ctx);
    }
  });
  teardown.add('close the ingest gateway, drop its database and topics', closeGateway);
  process.stderr.write(
    `bench: gateway up at ${gw.baseUrl} in ${round((performance.now() - t0) / 1000, 1)} s; prefix ${ctx.topicPrefix}, ` +
      `database ${dbName(ctx.databaseUrl)}\n`,
  );
  const pg = new Client({ connectionString: ctx.databaseUrl, application_name: 'bench' });
  probe.exclude(pg);
  await pg.connect();
  const closePg = once(() => pg.end());
  teardown.add('bench pg client end', closePg);
  const database = dbName(ctx.databaseUrl);
  const backends = async () =>
    (
      await pg.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      )
    ).rows.map((r) => r.pid);

  // The analyzers' links: one listener for all (analyzers of one model share a connection's config), and
  // one listener per analyzer.
  const api = jsonApi(gw);
  const base = await freePortBlock(cfg.connections + 1);
  const connection = (id: string, port: number) =>
    ok(
      `POST /connections ${id}`,
      api('POST', '/connections', {
        id,
        name: `Roche cobas c311 (${id}), Khoa Xét nghiệm`,
        protocol: 'hl7v2',
        role: 'listen',
        host: '127.0.0.1',
        port,
        deviceApplication: DEVICE,
        accepts: ['ORU^R01'],
        tests: PANEL.map((p) => p.serviceCode),
        codeMap: codeMap(),
      }),
    );
  await connection('c311-shared', base);
  const ownPorts = Array.from({ length: cfg.connections }, (_, i) => base + 1 + i);
  for (const [i, port] of ownPorts.entries()) await connection(`c311-${i + 1}`, port);

  // The baseline: the same MLLP server, the same parse and ACK, nothing stored and nothing emitted.
  const echo = new MllpServer({
    host: '127.0.0.1',
    port: 0,
    handler: async (bytes) =>
      buildAck(parseHl7(bytes, { defaultCharset: 'UNICODE UTF-8' }), { code: 'AA' }).toBuffer(),
  });
  const echoPort = (await echo.listen()).port;
  const closeEcho = once(() => echo.close({ timeoutMs: 2_000 }));
  teardown.add('close the echo server', closeEcho);

  const runs: IngestRun[] = [];
  const plan: Array<{
    name: string;
    target: 'echo' | 'gateway';
    clients: number;
    ports: number[];
    messages: number;
    tag: string;
  }> = [];
  const n = cfg.connections;
  if (cfg.messages > 0)
    plan.push(
      {
        name: `echo (no store), ${n} connections`,
        target: 'echo',
        clients: n,
        ports: [echoPort],
        messages: cfg.messages,
        tag: 'EM-',
      },
      {
        name: `gateway, ${n} connections, 1 listener`,
        target: 'gateway',
        clients: n,
        ports: [base],
        messages: cfg.messages,
        tag: 'GS-',
      },
      {
        name: `gateway, ${n} connections, ${n} listeners`,
        target: 'gateway',
        clients: n,
        ports: ownPorts,
        messages: cfg.messages,
        tag: 'GL-',
      },
    );
  if (cfg.singleMessages > 0)
    plan.push(
      {
        name: 'echo (no store), 1 connection',
        target: 'echo',
        clients: 1,
        ports: [echoPort],
        messages: cfg.singleMessages,
        tag: 'E1-',
      },
      {
        name: 'gateway, 1 connection',
        target: 'gateway',
        clients: 1,
        ports: [base],
        messages: cfg.singleMessages,
        tag: 'G1-',
      },
    );

  let acceptedTotal = 0;
  for (const step of plan) {
    if (signal.aborted) throw signal.reason as Error;
    process.stderr.write(
      `bench: ${step.name}: ${step.messages} ORU^R01 (${cfg.warmup} per connection to warm up) ...\n`,
    );
    const gateway = step.target === 'gateway';
    let sampling = gateway;
    let maxOutboxRows = 0;
    // Stops with the run, and quietly when the run is aborted (the teardown closes `pg` under it).
    const sampler = (async () => {
      while (sampling && !signal.aborted) {
        maxOutboxRows = Math.max(
          maxOutboxRows,
          await count(pg, `SELECT count(*)::int AS n FROM platform_outbox`),
        );
        await sleep(250);
      }
    })().catch(() => undefined);
    probe.take();
    let m: { value: SaturateResult; cpu: Cpu; wallMs: number };
    try {
      // Messages built, connections open and warmed up before the clock and the CPU meter start.
      const go = await clients.prepare({
        kind: 'saturate',
        host: '127.0.0.1',
        ports: step.ports,
        clients: step.clients,
        warmup: cfg.warmup,
        messages: step.messages,
        tag: step.tag,
        obx: cfg.obx,
        seed: cfg.seed + runs.length,
      });
      m = await measureCpu(broker, gateway ? backends : async () => [], go);
    } finally {
      sampling = false;
      await sampler;
    }
    const r = m.value;
    const aa = r.ackCodes['AA'] ?? 0;
    const otherAcks = Object.fromEntries(Object.entries(r.ackCodes).filter(([k]) => k !== 'AA'));
    const perMessage = (pctOfCore: number) =>
      pctOfCore < 0 || !aa ? -1 : round(((pctOfCore / 100) * r.seconds * 1000) / aa, 3);
    const run: IngestRun = {
      name: step.name,
      target: step.target,
      clients: step.clients,
      listeners: gateway ? step.ports.length : 1,
      messages: step.messages,
      aa,
      otherAcks,
      failures: r.failureCount,
      failureSamples: r.failures,
      seconds: round(r.seconds, 2),
      perSecond: round(aa / r.seconds, 0),
      latency: latency(r.latencyMs),
      meanBytes: r.meanBytes,
      perClient: r.perClient,
      cpu: m.cpu,
      cpuMsPerMessage: {
        serviceNode: perMessage(m.cpu.serviceNodePct),
        postgres: perMessage(m.cpu.postgresPct),
        broker: perMessage(m.cpu.brokerPct),
        client: perMessage(m.cpu.clientThreadPct),
      },
    };
    if (gateway) {
      // The outbox must drain to Kafka; the statements and transactions of the drain belong to these messages.
      const drain = await pollUntil(
        () => count(pg, `SELECT count(*)::int AS n FROM platform_outbox`),
        (left) => left === 0,
        DRAIN_LIMIT_MS,
        signal,
        50,
      );
      run.drainedSeconds = drain.ok ? round(drain.ms / 1000, 2) : null;
      run.maxOutboxRows = maxOutboxRows;
      const db = probe.take();
      const statements = db.statements[database] ?? 0;
      const all = aa + r.warmupAa;
      run.statementsPerMessage = all ? round(statements / all, 1) : -1;
      run.transactionsPerMessage = all ? round((db.transactions[database] ?? 0) / all, 2) : -1;
      const byStatus = await pg.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM gw_message WHERE control_id LIKE $1 GROUP BY status`,
        [`${step.tag}%`],
      );
      const st = Object.fromEntries(byStatus.rows.map((x) => [x.status, x.n]));
      run.stored = {
        accepted: st['accepted'] ?? 0,
        rejected: st['rejected'] ?? 0,
        refused: st['refused'] ?? 0,
        expectedAccepted: all,
      };
      acceptedTotal += run.stored.accepted;
    }
    process.stderr.write(
      `bench: ${run.perSecond} msgs/s, p50 ${run.latency.p50Ms} ms, p99 ${run.latency.p99Ms} ms, ` +
        `${run.messages - run.aa} not AA\n`,
    );
    runs.push(run);
  }

  const outboxLeft = await count(pg, `SELECT count(*)::int AS n FROM platform_outbox`);
  // Every accepted ORU^R01 emits Hl7MessageReceived and one AnalyzerResultsReported (one specimen).
  const expected = 2 * acceptedTotal;
  const kafka = await pollUntil(
    () => gatewayTopicRecords(ctx),
    (k) => k >= expected,
    10_000,
    signal,
    500,
  );
  await closeEcho();
  await closePg();
  await closeGateway();
  const consistent =
    outboxLeft === 0 &&
    kafka.value === expected &&
    runs.every(
      (r) =>
        r.failures === 0 &&
        r.aa === r.messages &&
        (!r.stored ||
          (r.stored.accepted === r.stored.expectedAccepted && !r.stored.rejected && !r.stored.refused)),
    );
  return { runs, kafka: { records: kafka.value, expected }, outboxLeft, consistent };
}

function once(fn: () => Promise<unknown>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn().then(() => undefined));
}

// ---------------------------------------------------------------------------------------------------------
// Part 2: end to end, HIS + LIS + the gateway on shared topics, results paced at --e2e-rate.

interface Specimen {
  barcode: string;
  accession: string;
  patientId: string;
  patientCode: string;
  fullName: string;
  birthDate: string;
  sex: 'male' | 'female';
  /** HIS order ids on the tube, in panel order. */
  orderIds: string[];
}

interface E2ePart {
  specimens: number;
  testsPerSpecimen: number;
  rate: number;
  connections: number;
  setupSeconds: number;
  sent: number;
  aa: number;
  otherAcks: Record<string, number>;
  failures: Array<{ index: number; error: string }>;
  seconds: number;
  achievedPerSecond: number;
  maxSendLagMs: number;
  /** Results expected on the timeline, and how many got there within the limit. */
  results: number;
  onTimeline: number;
  /** Due time (the analyzer calls send) -> the timeline entry's transaction committed in HIS. */
  endToEnd: Latency;
  /** Due time -> his_timeline_entry.recorded_at (now() of the HIS transaction: its start). */
  endToEndRecordedAt: Latency;
  /** Consecutive stages of a result's way; their medians need not add up to the median of the whole. */
  stages: {
    /** Due -> ACK read by the analyzer (the gateway's store included). */
    ack: Latency;
    /** Gateway commit of the message -> LIS's handler records the report (relay, Kafka, LIS consumer queue). */
    gatewayToLisHandler: Latency;
    /** LIS handler start -> the result's INSERT (placement: specimen, definition, patient). */
    lisHandlerToInsert: Latency;
    /** LIS result INSERT -> its commit (the rest of LIS's transaction: events, status, the chunk's other events). */
    lisInsertToCommit: Latency;
    /** LIS commit -> HIS sends the timeline INSERT (LIS relay, Kafka, HIS consumer, order completed). */
    lisToHisInsert: Latency;
    /** HIS timeline INSERT -> its commit. */
    hisInsertToCommit: Latency;
  };
  cpu: Cpu;
  /** Per message (per ORU^R01), over the send and the settling: statements and transactions by service. */
  statementsPerMessage: Record<string, number>;
  transactionsPerMessage: Record<string, number>;
  cpuMsPerMessage: { node: number; postgres: number; broker: number; client: number };
  checks: {
    labResultsFinal: number;
    labHeldResults: number;
    hisOrdersCompleted: number;
    hisTimelineLabResults: number;
    expected: number;
    outboxLeft: Record<string, number>;
    consistent: boolean;
  };
}

async function e2ePart(
  cfg: BenchConfig,
  teardown: Teardown,
  clients: AnalyzerClients,
  probe: PgProbe,
  broker: number[],
  signal: AbortSignal,
): Promise<E2ePart> {
  const t0 = performance.now();
  const his = await bootService(HisModule, hisDefinition);
  const closeTopics = once(() => deleteKafkaResources(his.ctx));
  teardown.add('delete the end-to-end topics and groups', closeTopics);
  const closeHis = once(() => his.close());
  teardown.add('close HIS, drop its database', closeHis);
  const lab = await bootService(LabModule, labDefinition, { sameTopicsAs: his });
  const closeLab = once(() => lab.close());
  teardown.add('close LIS, drop its database', closeLab);
  const gw = await bootService(GatewayModule, gatewayDefinition, { sameTopicsAs: his });
  const closeGw = once(() => gw.close());
  teardown.add('close the gateway, drop its database', closeGw);
  process.stderr.write(
    `bench: HIS, LIS and the gateway up in ${round((performance.now() - t0) / 1000, 1)} s; prefix ${his.ctx.topicPrefix}\n`,
  );
  const dbs = { his: his.ctx.databaseUrl, lis: lab.ctx.databaseUrl, gateway: gw.ctx.databaseUrl };
  const pgEnds: Array<() => Promise<void>> = [];
  const pgs = Object.fromEntries(
    await Promise.all(
      Object.entries(dbs).map(async ([k, url]) => {
        const c = new Client({ connectionString: url, application_name: 'bench' });
        probe.exclude(c);
        await c.connect();
        const end = once(() => c.end());
        pgEnds.push(end);
        teardown.add(`bench pg client (${k}) end`, end);
        return [k, c] as const;
      }),
    ),
  ) as Record<'his' | 'lis' | 'gateway', Client>;
  const names = { his: dbName(dbs.his), lis: dbName(dbs.lis), gateway: dbName(dbs.gateway) };
  const allDbs = Object.values(names);

  // Configuration, as the e2e test does it: the catalogue in HIS, the definitions in LIS, the analyzer's link.
  const hisApi = jsonApi(his, { 'x-actor-id': 'bs-tran' });
  const labApi = jsonApi(lab, { 'x-actor-id': 'ktv-lan' });
  const gwApi = jsonApi(gw);
  await ok('PUT /catalog/services', hisApi('PUT', '/catalog/services', { items: catalogItems() }));
  await ok('PUT /tests', labApi('PUT', '/tests', { items: testDefinitions() }));
  const port = await freePortBlock(1);
  await ok(
    'POST /connections',
    gwApi('POST', '/connections', {
      id: 'c311-results',
      name: 'Roche cobas c311 (results), Khoa Xét nghiệm',
      protocol: 'hl7v2',
      role: 'listen',
      host: '127.0.0.1',
      port,
      deviceApplication: DEVICE,
      accepts: ['ORU^R01'],
      tests: PANEL.map((p) => p.serviceCode),
      codeMap: codeMap(),
    }),
  );

  // Specimens: patient, encounter and orders in HIS -> accessioned by LIS -> collected -> received.
  const total = cfg.e2eSpecimens + cfg.e2eWarmup;
  const tests = PANEL.slice(0, cfg.e2eTests);
  const random = seededRandom(cfg.seed);
  const population = Array.from({ length: total }, (_, i) => {
    const p = syntheticPatient(500_000 + i, random);
    assertValid(p);
    return p;
  });
  process.stderr.write(
    `bench: preparing ${total} specimens (${tests.length} test(s) each) in HIS and LIS ...\n`,
  );
  const setup0 = performance.now();
  const placed = await inPool(population, cfg.setupConcurrency, async (p) => {
    const patient = (await ok('POST /patients', hisApi('POST', '/patients', registration(p)))).body as {
      id: string;
      patientCode: string;
    };
    const encounter = (
      await ok(
        'POST /encounters',
        hisApi('POST', '/encounters', {
          patientId: patient.id,
          encounterClass: 'outpatient',
          departmentCode: 'K01',
        }),
      )
    ).body as { id: string };
    const orders = (
      await ok(
        'POST orders',
        hisApi('POST', `/encounters/${encounter.id}/orders`, {
          orders: tests.map((t) => ({ serviceCode: t.serviceCode })),
        }),
      )
    ).body as Array<{ id: string; serviceCode: string }>;
    return { p, patient, orders };
  });
  const accessioned = await pollUntil(
    () => count(pgs.lis, `SELECT count(*)::int AS n FROM lab_specimen`),
    (k) => k >= total,
    120_000,
    signal,
    250,
  );
  if (!accessioned.ok) throw new Error(`LIS accessioned ${accessioned.value} of ${total} specimens in 120 s`);
  const rows = await pgs.lis.query<{
    barcode: string;
    accession: string;
    patient_id: string;
    orders: string[];
  }>(
    `SELECT s.barcode, s.accession_number AS accession, a.patient_id,
            array_agg(t.order_id ORDER BY t.order_id) AS orders
     FROM lab_specimen s JOIN lab_accession a ON a.accession_number = s.accession_number
     JOIN lab_specimen_test t ON t.barcode = s.barcode
     GROUP BY s.barcode, s.accession_number, a.patient_id`,
  );
  const byPatient = new Map(rows.rows.map((r) => [r.patient_id, r]));
  const specimens: Specimen[] = placed.map(({ p, patient, orders }) => {
    const row = byPatient.get(patient.id);
    if (!row) throw new Error(`no specimen in LIS for HIS patient ${patient.id}`);
    const orderIds = tests.map((t) => orders.find((o) => o.serviceCode === t.serviceCode)?.id ?? '');
    if (orderIds.some((id) => !row.orders.includes(id)))
      throw new Error(`specimen ${row.barcode} does not carry the orders ${orderIds.join(', ')}`);
    return {
      barcode: row.barcode,
      accession: row.accession,
      patientId: patient.id,
      patientCode: patient.patientCode,
      fullName: p.fullName,
      birthDate: p.birthDate,
      sex: p.sex,
      orderIds,
    };
  });
  await inPool(specimens, cfg.setupConcurrency, async (s) => {
    await ok('collect', labApi('POST', `/specimens/${s.barcode}/collect`, {}));
    await ok('receive', labApi('POST', `/specimens/${s.barcode}/receive`, {}));
  });
  // Quiet before the clock: HIS has every order in progress, the gateway every work order, outboxes empty.
  const settled = await pollUntil(
    async () => {
      const [inProgress, workOrders, ...outboxes] = await Promise.all([
        count(pgs.his, `SELECT count(*)::int AS n FROM his_order WHERE status = 'in-progress'`),
        count(pgs.gateway, `SELECT count(*)::int AS n FROM gw_work_order`),
        ...Object.values(pgs).map((c) => count(c, `SELECT count(*)::int AS n FROM platform_outbox`)),
      ]);
      return { inProgress, workOrders, outbox: outboxes.reduce((a, b) => a + b, 0) };
    },
    (v) => v.inProgress === total * tests.length && v.workOrders === total && v.outbox === 0,
    120_000,
    signal,
    250,
  );
  if (!settled.ok) throw new Error(`setup did not settle in 120 s: ${JSON.stringify(settled.value)}`);
  // The setup wrote thousands of rows into fresh tables: give them the statistics and visibility maps a running
  // system has (autovacuum would do it, at some moment during the measurement otherwise).
  for (const c of Object.values(pgs)) await c.query('VACUUM (ANALYZE)');
  await sleep(2_000);
  const setupSeconds = round((performance.now() - setup0) / 1000, 1);
  process.stderr.write(
    `bench: ${total} specimens received in LIS, orders in progress in HIS (${setupSeconds} s)\n`,
  );

  const item = (s: Specimen, k: number, tag: string): PacedItem => ({
    controlId: `${tag}${k}`,
    barcode: s.barcode,
    placer: s.accession,
    patient: { code: s.patientCode, fullName: s.fullName, birthDate: s.birthDate, sex: s.sex },
    tests: tests.map((_, i) => i),
    values: tests.map((t) => normalValue(t, random)),
  });
  const job = (items: PacedItem[]): PacedJob => ({
    kind: 'paced',
    host: '127.0.0.1',
    port,
    clients: cfg.e2eConnections,
    rate: cfg.e2eRate,
    items,
  });

  // Warm-up: the same path, not measured; wait until its results are on the timeline.
  const warm = specimens.slice(cfg.e2eSpecimens);
  const measured = specimens.slice(0, cfg.e2eSpecimens);
  if (warm.length) {
    process.stderr.write(`bench: warm-up, ${warm.length} results at ${cfg.e2eRate}/s ...\n`);
    await (
      await clients.prepare(job(warm.map((s, k) => item(s, k, 'EW-'))))
    )();
    await pollUntil(
      () => count(pgs.his, `SELECT count(*)::int AS n FROM his_timeline_entry WHERE kind = 'lab-result'`),
      (k) => k >= warm.length * tests.length,
      E2E_SETTLE_LIMIT_MS,
      signal,
      100,
    );
    await sleep(1_000);
  }

  process.stderr.write(
    `bench: end to end, ${measured.length} ORU^R01 at ${cfg.e2eRate}/s over ${cfg.e2eConnections} connections ...\n`,
  );
  const expected = measured.length * tests.length;
  const backends = async () =>
    (
      await pgs.his.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`,
        [allDbs],
      )
    ).rows.map((r) => r.pid);
  const measuredOrders = new Set(measured.flatMap((s) => s.orderIds));
  const committedOnTimeline = () => {
    let n = 0;
    for (const id of probe.committed.his.keys()) if (measuredOrders.has(id)) n++;
    return n;
  };
  probe.take();
  probe.watching = true;
  let paced: PacedResult;
  let m: { value: PacedResult & { settledMs: number }; cpu: Cpu; wallMs: number };
  try {
    const go = await clients.prepare(job(measured.map((s, k) => item(s, k, 'E2-'))));
    m = await measureCpu(broker, backends, async () => {
      const r = await go();
      const after = performance.now();
      const settle = await pollUntil(
        async () => committedOnTimeline(),
        (k) => k >= expected,
        E2E_SETTLE_LIMIT_MS,
        signal,
        20,
      );
      return { ...r, settledMs: settle.ok ? performance.now() - after : -1 };
    });
    paced = m.value;
  } finally {
    probe.watching = false;
  }
  const { statements, transactions } = probe.take();

  // Latencies per result (each test of each message).
  const sent = measured.length;
  const end: number[] = [];
  const ack: number[] = [];
  const stage = {
    gwToLisHandler: [] as number[],
    lisHandlerToInsert: [] as number[],
    lisInsert: [] as number[],
    lisToHisInsert: [] as number[],
    hisInsert: [] as number[],
  };
  const { committed, issued } = probe;
  const gap = (into: number[], from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined) into.push(to - from);
  };
  measured.forEach((s, k) => {
    const due = paced.dueEpochMs[k];
    ack.push(paced.ackEpochMs[k] - due);
    const gwAt = committed.gw.get(`E2-${k}`);
    for (const orderId of s.orderIds) {
      const lisAt = committed.lis.get(orderId);
      const hisAt = committed.his.get(orderId);
      if (hisAt !== undefined) end.push(hisAt - due);
      gap(stage.gwToLisHandler, gwAt, issued.lisReport.get(s.barcode));
      gap(stage.lisHandlerToInsert, issued.lisReport.get(s.barcode), issued.lis.get(orderId));
      gap(stage.lisInsert, issued.lis.get(orderId), lisAt);
      gap(stage.lisToHisInsert, lisAt, issued.his.get(orderId));
      gap(stage.hisInsert, issued.his.get(orderId), hisAt);
    }
  });
  const recorded = await pgs.his.query<{ order_id: string; at: string }>(
    `SELECT detail->>'orderId' AS order_id, (extract(epoch FROM recorded_at) * 1000)::text AS at
     FROM his_timeline_entry WHERE kind = 'lab-result'`,
  );
  const recordedAt = new Map(recorded.rows.map((r) => [r.order_id, Number(r.at)]));
  const endRecorded: number[] = [];
  measured.forEach((s, k) => {
    for (const orderId of s.orderIds) {
      const at = recordedAt.get(orderId);
      if (at !== undefined) endRecorded.push(at - paced.dueEpochMs[k]);
    }
  });

  // Checks: every result final in LIS, nothing held, every order completed and on the timeline, outboxes empty.
  const outboxLeft: Record<string, number> = {};
  for (const [k, c] of Object.entries(pgs))
    outboxLeft[k] = await count(c, `SELECT count(*)::int AS n FROM platform_outbox`);
  const allResults = total * tests.length;
  const checks = {
    labResultsFinal: await count(pgs.lis, `SELECT count(*)::int AS n FROM lab_result WHERE status = 'final'`),
    labHeldResults: await count(pgs.lis, `SELECT count(*)::int AS n FROM lab_held_result`),
    hisOrdersCompleted: await count(
      pgs.his,
      `SELECT count(*)::int AS n FROM his_order WHERE status = 'completed'`,
    ),
    hisTimelineLabResults: await count(
      pgs.his,
      `SELECT count(*)::int AS n FROM his_timeline_entry WHERE kind = 'lab-result'`,
    ),
    expected: allResults,
    outboxLeft,
    consistent: false,
  };
  checks.consistent =
    checks.labResultsFinal === allResults &&
    checks.labHeldResults === 0 &&
    checks.hisOrdersCompleted === allResults &&
    checks.hisTimelineLabResults === allResults &&
    Object.values(outboxLeft).every((n) => n === 0);

  const aa = paced.ackCode.filter((c) => c === 'AA').length;
  const otherAcks: Record<string, number> = {};
  for (const c of paced.ackCode)
    if (c !== 'AA') otherAcks[c || '(none)'] = (otherAcks[c || '(none)'] ?? 0) + 1;
  const perMessage = (pctOfCore: number) =>
    pctOfCore < 0 || !sent ? -1 : round(((pctOfCore / 100) * m.wallMs) / sent, 2);
  const statementsPerMessage: Record<string, number> = {};
  const transactionsPerMessage: Record<string, number> = {};
  for (const [k, name] of Object.entries(names)) {
    statementsPerMessage[k] = round((statements[name] ?? 0) / sent, 1);
    transactionsPerMessage[k] = round((transactions[name] ?? 0) / sent, 1);
  }
  const part: E2ePart = {
    specimens: sent,
    testsPerSpecimen: tests.length,
    rate: cfg.e2eRate,
    connections: cfg.e2eConnections,
    setupSeconds,
    sent,
    aa,
    otherAcks,
    failures: paced.failures,
    seconds: round(paced.seconds, 2),
    achievedPerSecond: round(aa / paced.seconds, 1),
    maxSendLagMs: round(paced.maxSendLagMs),
    results: expected,
    onTimeline: end.length,
    endToEnd: latency(end),
    endToEndRecordedAt: latency(endRecorded),
    stages: {
      ack: latency(ack),
      gatewayToLisHandler: latency(stage.gwToLisHandler),
      lisHandlerToInsert: latency(stage.lisHandlerToInsert),
      lisInsertToCommit: latency(stage.lisInsert),
      lisToHisInsert: latency(stage.lisToHisInsert),
      hisInsertToCommit: latency(stage.hisInsert),
    },
    cpu: m.cpu,
    statementsPerMessage,
    transactionsPerMessage,
    cpuMsPerMessage: {
      node: perMessage(m.cpu.serviceNodePct),
      postgres: perMessage(m.cpu.postgresPct),
      broker: perMessage(m.cpu.brokerPct),
      client: perMessage(m.cpu.clientThreadPct),
    },
    checks,
  };
  process.stderr.write(
    `bench: end to end p50 ${part.endToEnd.p50Ms} ms, p99 ${part.endToEnd.p99Ms} ms, ${part.onTimeline} of ${expected} on the timeline\n`,
  );
  for (const end of pgEnds) await end();
  await closeGw();
  await closeLab();
  await closeHis();
  await closeTopics();
  return part;
}

// ---------------------------------------------------------------------------------------------------------
// Report.

function table(t: string[][]): string[] {
  const widths = t[0].map((_, c) => Math.max(...t.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  return [line(t[0]), line(widths.map((w) => '-'.repeat(w))), ...t.slice(1).map(line)];
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const pct = (n: number) => (n < 0 ? '-' : `${n}%`);
const num = (n: number | undefined, digits = 2) => (n === undefined || n < 0 ? '-' : n.toFixed(digits));

interface Figures {
  gatewayMsgsPerSecond?: number;
  gatewayManyListenersMsgsPerSecond?: number;
  echoMsgsPerSecond?: number;
  gatewayOverEcho?: number;
  gatewaySingleMsgsPerSecond?: number;
  echoSingleMsgsPerSecond?: number;
  throughputVerdict?: 'PASS' | 'FAIL';
  e2eP99Ms?: number;
  e2eVerdict?: 'PASS' | 'FAIL';
}

function printReport(
  machine: MachineContext,
  cfg: BenchConfig,
  ingest: IngestPart | undefined,
  e2e: E2ePart | undefined,
): Figures {
  const figures: Figures = {};
  const out: string[] = [
    '',
    `machine: ${machine.cores} x ${machine.cpuModel}, ${machine.memoryGb} GB (${machine.freeMemoryGb} GB free), ` +
      `load average ${machine.loadAverage1m} at the start, ${machine.loadAverage1mAtEnd ?? '-'} at the end (1 min)`,
    `software: Node ${machine.node}, Kafka ${machine.kafka}, PostgreSQL ${machine.postgres} ` +
      `(fsync ${machine.postgresSettings['fsync']}, synchronous_commit ${machine.postgresSettings['synchronous_commit']}, ` +
      `wal_sync_method ${machine.postgresSettings['wal_sync_method']})`,
    '',
  ];
  if (ingest) {
    const runs = ingest.runs;
    const mean = runs[0]?.meanBytes ?? 0;
    out.push(
      `ingest: ORU^R01 v2.5.1, ${cfg.obx} OBX, ${mean} bytes; each connection one message in flight (original mode); ` +
        `${cfg.warmup} per connection to warm up first`,
      ...table([
        ['run', 'messages', 'AA', 'seconds', 'msgs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        ...runs.map((r) => [
          r.name,
          String(r.messages),
          String(r.aa),
          r.seconds.toFixed(2),
          String(r.perSecond),
          ms(r.latency.p50Ms),
          ms(r.latency.p95Ms),
          ms(r.latency.p99Ms),
          ms(r.latency.maxMs),
        ]),
      ]),
      '  (latency: send() called -> ACK read, per message, closed loop: flat out it is mostly queueing behind the other connections)',
      '',
      ...table([
        [
          'CPU while measuring',
          'node (service)',
          'event loop',
          'loop late max',
          'client thread',
          'PostgreSQL',
          'PG server',
          'broker',
          'others',
          'machine',
        ],
        ...runs.map((r) => [
          r.name,
          pct(r.cpu.serviceNodePct),
          pct(r.cpu.mainLoopBusyPct),
          `${r.cpu.mainLoopDelayMaxMs.toFixed(0)} ms`,
          pct(r.cpu.clientThreadPct),
          r.target === 'echo' ? '-' : pct(r.cpu.postgresPct),
          pct(r.cpu.postgresServerPct),
          pct(r.cpu.brokerPct),
          pct(r.cpu.othersPct),
          pct(r.cpu.machineBusyPct),
        ]),
      ]),
      `  (% of one core; machine: % of all ${machine.cores} cores, anything else running included. node (service): this ` +
        "process minus the analyzers' thread; PostgreSQL: the gateway database's backends; PG server: every postgres",
      "   process (those backends, the WAL writer, checkpointer, autovacuum, other users' backends); others: the rest of",
      '   the machine (other programs, the kernel), from the machine column)',
      '',
      ...table([
        [
          'per message',
          'statements',
          'transactions',
          'node ms',
          'PG ms',
          'broker ms',
          'client ms',
          'outbox peak',
          'drained s',
        ],
        ...runs.map((r) => [
          r.name,
          r.statementsPerMessage === undefined ? '-' : r.statementsPerMessage.toFixed(1),
          r.transactionsPerMessage === undefined ? '-' : r.transactionsPerMessage.toFixed(2),
          num(r.cpuMsPerMessage.serviceNode, 3),
          r.target === 'echo' ? '-' : num(r.cpuMsPerMessage.postgres, 3),
          num(r.cpuMsPerMessage.broker, 3),
          num(r.cpuMsPerMessage.client, 3),
          r.maxOutboxRows === undefined ? '-' : String(r.maxOutboxRows),
          r.drainedSeconds === undefined
            ? '-'
            : r.drainedSeconds === null
              ? 'NO'
              : r.drainedSeconds.toFixed(2),
        ]),
      ]),
      '  (statements, transactions: what the gateway sent to its database, outbox relay included, / messages ACKed AA with',
      '   the warm-up; CPU ms: CPU over the run / AA messages; drained: last ACK -> platform_outbox empty)',
      '',
    );
    for (const r of runs) {
      const bad = [
        ...Object.entries(r.otherAcks).map(([c, n]) => `${n} x ${c || '(no MSA)'}`),
        ...(r.failures ? [`${r.failures} without an ACK (first: ${r.failureSamples[0]?.error})`] : []),
      ];
      if (bad.length) out.push(`ERRORS in ${r.name}: ${bad.join(', ')}`);
      if (r.stored)
        out.push(
          `check ${r.name}: ${r.aa} + ${r.stored.expectedAccepted - r.aa} warm-up ACKed AA -> ${r.stored.accepted} stored accepted` +
            `${r.stored.rejected || r.stored.refused ? `, ${r.stored.rejected} rejected, ${r.stored.refused} refused` : ''}` +
            (r.stored.accepted === r.stored.expectedAccepted ? ' (equal)' : ' (DIFFERENT)'),
        );
    }
    out.push(
      `check: outbox ${ingest.outboxLeft === 0 ? 'empty' : `NOT EMPTY (${ingest.outboxLeft} rows)`}; Kafka holds ${ingest.kafka.records} ` +
        `records on the gateway topics for ${ingest.kafka.expected} expected (2 per accepted message) -> ` +
        (ingest.consistent ? 'consistent' : 'INCONSISTENT (see above)'),
      '',
    );
    const find = (target: string, clients: number, listeners?: number) =>
      runs.find(
        (r) =>
          r.target === target &&
          r.clients === clients &&
          (listeners === undefined || r.listeners === listeners),
      );
    const echoMany = find('echo', cfg.connections);
    const gwMany = find('gateway', cfg.connections, 1);
    const gwManyOwn = cfg.connections > 1 ? find('gateway', cfg.connections, cfg.connections) : undefined;
    const echoOne = find('echo', 1);
    const gwOne = find('gateway', 1);
    if (gwMany && echoMany) {
      figures.gatewayMsgsPerSecond = gwMany.perSecond;
      figures.gatewayManyListenersMsgsPerSecond = gwManyOwn?.perSecond;
      figures.echoMsgsPerSecond = echoMany.perSecond;
      figures.gatewayOverEcho = round(gwMany.perSecond / echoMany.perSecond, 3);
      figures.throughputVerdict = gwMany.perSecond >= TARGET_MSGS_PER_SECOND ? 'PASS' : 'FAIL';
      out.push(
        `ingest over ${cfg.connections} connections: gateway ${gwMany.perSecond} msgs/s (1 listener)` +
          `${gwManyOwn ? `, ${gwManyOwn.perSecond} msgs/s (${cfg.connections} listeners)` : ''}; beside the echo server ` +
          `${echoMany.perSecond} msgs/s (x${figures.gatewayOverEcho}) -> target >= ${TARGET_MSGS_PER_SECOND}: ${figures.throughputVerdict}`,
      );
    }
    if (gwOne && echoOne) {
      figures.gatewaySingleMsgsPerSecond = gwOne.perSecond;
      figures.echoSingleMsgsPerSecond = echoOne.perSecond;
      out.push(
        `ingest over 1 connection: gateway ${gwOne.perSecond} msgs/s (p50 ${ms(gwOne.latency.p50Ms)} ms per round trip); ` +
          `echo ${echoOne.perSecond} msgs/s (p50 ${ms(echoOne.latency.p50Ms)} ms)`,
      );
    }
  }
  if (e2e) {
    figures.e2eP99Ms = e2e.endToEnd.p99Ms;
    figures.e2eVerdict =
      e2e.onTimeline === e2e.results && e2e.endToEnd.p99Ms < TARGET_E2E_P99_MS ? 'PASS' : 'FAIL';
    const row = (name: string, l: Latency) => [
      name,
      String(l.count),
      ms(l.p50Ms),
      ms(l.p95Ms),
      ms(l.p99Ms),
      ms(l.maxMs),
    ];
    out.push(
      '',
      `end to end: ${e2e.sent} ORU^R01 (${e2e.testsPerSpecimen} result${e2e.testsPerSpecimen > 1 ? 's' : ''} each) offered at ` +
        `${e2e.rate}/s over ${e2e.connections} connections; achieved ${e2e.achievedPerSecond}/s, at most ${e2e.maxSendLagMs} ms ` +
        `behind schedule; HIS + LIS + gateway in this process, ${e2e.setupSeconds} s of setup (not measured)`,
      ...table([
        ['latency per result', 'results', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        row('send -> on the HIS timeline (commit)', e2e.endToEnd),
        row('send -> timeline recorded_at', e2e.endToEndRecordedAt),
        row('  1 send -> ACK (gateway: frame, parse, store, commit)', e2e.stages.ack),
        row('  2 gateway commit -> LIS handler takes the report', e2e.stages.gatewayToLisHandler),
        row('  3 LIS report -> result INSERT (placement)', e2e.stages.lisHandlerToInsert),
        row('  4 LIS result INSERT -> LIS commit', e2e.stages.lisInsertToCommit),
        row('  5 LIS commit -> HIS timeline INSERT', e2e.stages.lisToHisInsert),
        row('  6 HIS timeline INSERT -> HIS commit', e2e.stages.hisInsertToCommit),
      ]),
      '  (send = the due time of the message on the open-loop schedule; commit = the COMMIT of the transaction that wrote the',
      '   row returned to the service; INSERT = the statement sent; recorded_at = now() in the HIS transaction, i.e. its',
      '   start. 2 = gateway relay + Kafka + LIS consumer (its fetch, and events ahead in its chunk); 5 = LIS relay + Kafka +',
      '   HIS consumer. Stages are per result; their medians need not add up to the total)',
      '',
      ...table([
        [
          'CPU while measuring',
          'node (3 services)',
          'event loop',
          'loop late max',
          'client thread',
          'PostgreSQL',
          'PG server',
          'broker',
          'others',
          'machine',
        ],
        [
          'end to end',
          pct(e2e.cpu.serviceNodePct),
          pct(e2e.cpu.mainLoopBusyPct),
          `${e2e.cpu.mainLoopDelayMaxMs.toFixed(0)} ms`,
          pct(e2e.cpu.clientThreadPct),
          pct(e2e.cpu.postgresPct),
          pct(e2e.cpu.postgresServerPct),
          pct(e2e.cpu.brokerPct),
          pct(e2e.cpu.othersPct),
          pct(e2e.cpu.machineBusyPct),
        ],
      ]),
      '  (PostgreSQL: the backends of the three databases; PG server: every postgres process; others: the rest of the machine)',
      `per ORU^R01 end to end: statements gateway ${e2e.statementsPerMessage['gateway']}, LIS ${e2e.statementsPerMessage['lis']}, ` +
        `HIS ${e2e.statementsPerMessage['his']}; transactions gateway ${e2e.transactionsPerMessage['gateway']}, LIS ${e2e.transactionsPerMessage['lis']}, ` +
        `HIS ${e2e.transactionsPerMessage['his']}; CPU ms node ${num(e2e.cpuMsPerMessage.node)}, PostgreSQL ${num(e2e.cpuMsPerMessage.postgres)}, ` +
        `broker ${num(e2e.cpuMsPerMessage.broker)}, client ${num(e2e.cpuMsPerMessage.client)}`,
      ...(e2e.aa !== e2e.sent || e2e.failures.length
        ? [
            `ERRORS end to end: ${e2e.sent - e2e.aa} not AA (${JSON.stringify(e2e.otherAcks)}), ${e2e.failures.length} without an ACK`,
          ]
        : []),
      `check end to end: ${e2e.checks.labResultsFinal} LIS results final, ${e2e.checks.labHeldResults} held, ` +
        `${e2e.checks.hisOrdersCompleted} HIS orders completed, ${e2e.checks.hisTimelineLabResults} lab results on the timeline ` +
        `(expected ${e2e.checks.expected}, warm-up included); outboxes ${JSON.stringify(e2e.checks.outboxLeft)} -> ` +
        (e2e.checks.consistent ? 'consistent' : 'INCONSISTENT'),
      '',
      `end to end at ${e2e.rate * e2e.testsPerSpecimen} results/s (${e2e.rate} ORU^R01/s): p50 ${ms(e2e.endToEnd.p50Ms)} ms, p95 ${ms(e2e.endToEnd.p95Ms)} ms, ` +
        `p99 ${ms(e2e.endToEnd.p99Ms)} ms, max ${ms(e2e.endToEnd.maxMs)} ms (${e2e.onTimeline} of ${e2e.results} on the timeline) ` +
        `-> target p99 < ${TARGET_E2E_P99_MS} ms: ${figures.e2eVerdict}`,
    );
  }
  out.push('');
  process.stdout.write(out.join('\n') + '\n');
  return figures;
}

// ---------------------------------------------------------------------------------------------------------

async function measure(cfg: BenchConfig, teardown: Teardown, signal: AbortSignal): Promise<void> {
  const stack = await testStack();
  assertLocal(stack);
  const broker = brokerPids(readStackState()?.kafka.dir);
  const clients = new AnalyzerClients();
  teardown.add('analyzer client thread', () => clients.close());
  const probe = new PgProbe();
  probe.install();
  teardown.add('pg probe', async () => probe.uninstall());

  const server = new Client({ connectionString: stack.databaseServerUrl, application_name: 'bench' });
  probe.exclude(server);
  await server.connect();
  let m: MachineContext;
  try {
    m = await machineContext(server, stack);
  } finally {
    await server.end();
  }
  const ingest =
    cfg.messages > 0 || cfg.singleMessages > 0
      ? await ingestPart(cfg, teardown, clients, probe, broker, signal)
      : undefined;
  if (signal.aborted) throw signal.reason as Error;
  const e2e = cfg.e2eSpecimens > 0 ? await e2ePart(cfg, teardown, clients, probe, broker, signal) : undefined;
  m.loadAverage1mAtEnd = round(loadavg()[0], 2);
  const figures = printReport(m, cfg, ingest, e2e);
  const out = resolve(cfg.out);
  mkdirSync(dirname(out), { recursive: true });
  const json =
    JSON.stringify(
      {
        bench: 'gateway-ingest',
        at: new Date().toISOString(),
        machine: m,
        config: cfg,
        ingest,
        e2e,
        figures,
      },
      (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
      2,
    ) + '\n';
  writeFileSync(out, await formatLikeTheRepository(json, out));
  process.stdout.write(`results written to ${cfg.out}\n`);
}

runBenchCli({
  parse: parseConfig,
  usage,
  cleaning: 'client thread, servers, the services, their databases and topics',
  measure: (cfg, teardown, signal) => measure(cfg, teardown, signal),
});

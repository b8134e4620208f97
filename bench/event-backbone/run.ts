/**
 * bench/event-backbone: events/s and p50/p99 latency through outbox -> Kafka -> idempotent consumer, beside
 * raw kafkajs produce -> consume on the same broker in the same run. Target: the platform path at least half
 * of the raw throughput. See bench/README.md for what is measured and how to read it.
 *
 *   npm run -s bench:event-backbone -- [--events 40000] [--rate 0] [--help]
 *
 * Reports, never asserts: exits 0 whatever the ratio, 1 only when the run itself failed (timeout, error).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { isolatedContext, type IsolatedContext, KAFKA_VERSION, readStackState } from '@hosp/testing';
import { Client } from 'pg';
import { type BenchConfig, parseConfig, usage } from './config';
import { type PlatformResult, runPlatformPath } from './platform-path';
import { type RawResult, runRawPath } from './raw-path';
import { benchKafka, round, Teardown } from './workload';
import { runBenchCli } from '../shared/bench-cli';

// kafkajs 2.2.4's request queue schedules a timer at `throttledUntil - Date.now()` with throttledUntil = 0,
// which Node 24 reports (and clamps to 1 ms) on every run. Harmless; keep it out of the report.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type !== 'TimeoutNegativeWarning') emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

const TARGET_RATIO = 0.5;

interface MachineContext {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  freeMemoryGb: number;
  loadAverage1m: number;
  node: string;
  kafkajs: string;
  kafka: string;
  kafkaBrokers: string[];
  postgres: string;
}

async function machineContext(ctx: IsolatedContext): Promise<MachineContext> {
  const pg = new Client({ connectionString: ctx.databaseUrl });
  await pg.connect();
  let postgres: string;
  try {
    const r = await pg.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    postgres = r.rows[0].v;
  } finally {
    await pg.end();
  }
  const kafkajs = (
    JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version: string }
  ).version;
  const stack = readStackState();
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(freemem() / 2 ** 30, 1),
    loadAverage1m: round(loadavg()[0], 2),
    node: process.version,
    kafkajs,
    kafka: `${KAFKA_VERSION} (${stack?.kafka.mode ?? ctx.stack.source}, ${ctx.stack.brokers.length} broker${ctx.stack.brokers.length > 1 ? 's' : ''})`,
    kafkaBrokers: ctx.stack.brokers,
    postgres,
  };
}

/** The bench talks to the local stack only. */
function assertLocal(ctx: IsolatedContext): void {
  const hosts = [
    ...ctx.stack.brokers.map((b) => b.split(':')[0]),
    new URL(ctx.stack.databaseServerUrl).hostname,
  ];
  const remote = hosts.filter((h) => !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(h));
  if (remote.length) throw new Error(`refusing to bench against non-local hosts: ${remote.join(', ')}`);
}

function printReport(machine: MachineContext, cfg: BenchConfig, raw: RawResult, platforms: PlatformResult[]) {
  const ratios = platforms.map((p) => p.eventsPerSecond / raw.eventsPerSecond);
  const ratio = Math.max(...ratios);
  const rows = [
    ['path', 'events', 'seconds', 'events/s', 'p50 ms', 'p99 ms', 'max ms'],
    ...[raw, ...platforms].map((r) => [
      r.path,
      String(r.events),
      r.seconds.toFixed(2),
      String(r.eventsPerSecond),
      r.latency.p50Ms.toFixed(1),
      r.latency.p99Ms.toFixed(1),
      r.latency.maxMs.toFixed(1),
    ]),
  ];
  const pct = (n: number) => (n < 0 ? '-' : `${n}%`);
  const cpuRows = [
    ['CPU while measuring', 'node', 'broker', 'PostgreSQL', 'machine'],
    ...[raw, ...platforms].map((r) => [
      r.path,
      pct(r.cpu.nodeProcessPct),
      pct(r.cpu.brokerPct),
      pct(r.cpu.postgresPct),
      pct(r.cpu.machineBusyPct),
    ]),
  ];
  const table = (t: string[][]) => {
    const widths = t[0].map((_, c) => Math.max(...t.map((r) => r[c].length)));
    const line = (r: string[]) =>
      r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
    return [line(t[0]), line(widths.map((w) => '-'.repeat(w))), ...t.slice(1).map(line)];
  };
  const out = [
    '',
    'event-backbone bench',
    `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGb} GB, load ${machine.loadAverage1m}`,
    `software: node ${machine.node}, kafkajs ${machine.kafkajs}, Kafka ${machine.kafka}, PostgreSQL ${machine.postgres}`,
    `workload: ${cfg.events} events (+${cfg.warmup} warm-up) per path, ` +
      `${cfg.rate ? `offered at ${cfg.rate} events/s` : 'flat out (saturation)'}, ${cfg.patients} patient keys, ` +
      `${raw.recordValueBytes} B protobuf + ${raw.recordHeaderBytes} B CloudEvents headers per record`,
    `platform: ${cfg.writers} writers x ${cfg.eventsPerTransaction} events/tx, relay batch ${cfg.relayBatchSize} ` +
      `(poll ${cfg.relayPollMs} ms), consumer ${cfg.maxEventsPerTransaction} events/tx x ` +
      `${cfg.partitionsConsumedConcurrently} partitions concurrently, pools ${cfg.producerPoolSize}+${cfg.consumerPoolSize}`,
    '',
    ...table(rows),
    '',
    ...table(cpuRows),
    `  (node, broker, PostgreSQL = the run's own backends: % of one core; machine: % of all ${machine.cores} cores, anything else running included)`,
    '',
    `raw: produce alone ${raw.produceEventsPerSecond} events/s; latency = send call -> eachBatch`,
    ...platforms.flatMap((platform) => [
      `${platform.path}: outbox writes alone ${platform.writeEventsPerSecond} events/s, drained ${platform.drainSeconds} s after the last write; latency = outbox commit -> effect commit ` +
        `(delivery to the handler p50 ${platform.deliveryLatency.p50Ms} ms, p99 ${platform.deliveryLatency.p99Ms} ms); ` +
        `backlog peaks: ${platform.maxInOutbox} in the outbox, ${platform.maxInKafka} in Kafka`,
      `${platform.path} check: ${platform.check.effectRows} effect rows, ${platform.check.distinctEffects} distinct, ` +
        `${platform.check.inboxApplied} inbox rows, ${platform.check.outboxLeft} left in the outbox -> ` +
        (platform.check.exactlyOnce ? 'exactly once' : 'NOT EXACTLY ONCE'),
    ]),
    '',
    ...platforms.map(
      (platform, i) =>
        `ratio ${platform.path} / raw throughput: ${ratios[i].toFixed(2)} (target >= ${TARGET_RATIO}) -> ${ratios[i] >= TARGET_RATIO ? 'PASS' : 'FAIL'}`,
    ),
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
  return {
    ratios: Object.fromEntries(platforms.map((p, i) => [p.path, round(ratios[i], 3)])),
    verdict: ratio >= TARGET_RATIO ? ('PASS' as const) : ('FAIL' as const),
  };
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

/** Both paths, the report and the JSON file. Everything it opens is registered with `teardown`. */
async function measure(cfg: BenchConfig, teardown: Teardown, deadline: number, signal: AbortSignal) {
  const ctx = await isolatedContext();
  teardown.add('drop database', () => ctx.cleanup());
  teardown.add('delete topics and groups', () => deleteKafkaResources(ctx));
  assertLocal(ctx);
  const machine = await machineContext(ctx);
  process.stderr.write(
    `bench: prefix ${ctx.topicPrefix}, database ${new URL(ctx.databaseUrl).pathname.slice(1)}; ` +
      `${cfg.events} events per path\n`,
  );

  process.stderr.write('bench: raw kafkajs produce -> consume ...\n');
  const raw = await runRawPath(ctx, cfg, teardown, deadline, signal);
  process.stderr.write(`bench: raw ${raw.eventsPerSecond} events/s\n`);
  // The two handler forms, each in a slice of the stack of its own (database, topics, group).
  const platforms: PlatformResult[] = [];
  for (const batchHandler of [0, 1]) {
    const slice = batchHandler ? await isolatedContext() : ctx;
    if (batchHandler) {
      teardown.add('drop database (onBatch run)', () => slice.cleanup());
      teardown.add('delete topics and groups (onBatch run)', () => deleteKafkaResources(slice));
    }
    process.stderr.write(
      `bench: platform outbox -> relay -> Kafka -> inbox consumer (${batchHandler ? 'onBatch' : 'on'}) ...\n`,
    );
    const platform = await runPlatformPath(slice, { ...cfg, batchHandler }, teardown, deadline, signal);
    process.stderr.write(`bench: ${platform.path} ${platform.eventsPerSecond} events/s\n`);
    platforms.push(platform);
  }

  const { ratios, verdict } = printReport(machine, cfg, raw, platforms);
  const out = resolve(cfg.out);
  mkdirSync(dirname(out), { recursive: true });
  const json =
    JSON.stringify(
      {
        bench: 'event-backbone',
        at: new Date().toISOString(),
        machine,
        config: cfg,
        results: { raw, platforms },
        ratios,
        target: TARGET_RATIO,
        verdict,
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
  cleaning: 'consumers, relay, pools, topics, database',
  measure: (cfg, teardown, signal, deadline) => measure(cfg, teardown, deadline, signal),
});

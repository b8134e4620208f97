import { parseArgs } from 'node:util';

/** Everything the bench can be told; each field is a command-line flag (see `usage()`). */
export interface BenchConfig {
  /** Measured ORU^R01 per run over `connections` clients (echo, gateway on one listener, on one listener each). */
  messages: number;
  /** Measured ORU^R01 per run over one client (echo, gateway). */
  singleMessages: number;
  /** Analyzer clients (TCP connections) in the many-connections runs. */
  connections: number;
  /** OBX segments per ORU^R01 in the ingest runs (one chemistry panel, at most 15). */
  obx: number;
  /** Unmeasured messages per client before each ingest run's clock starts (connections, JIT, plan caches). */
  warmup: number;
  /** Specimens prepared in HIS and LIS for the end-to-end run (each gets one ORU^R01); 0 skips the run. */
  e2eSpecimens: number;
  /** Further specimens whose results are sent before the end-to-end clock starts; not measured. */
  e2eWarmup: number;
  /** Offered ORU^R01 per second in the end-to-end run (open loop). */
  e2eRate: number;
  /** Analyzer clients sending the end-to-end run's results (all on one listener, like analyzers of one model). */
  e2eConnections: number;
  /** Tests ordered per specimen in the end-to-end run = OBX per ORU^R01 = timeline entries per message. */
  e2eTests: number;
  /** HTTP requests in flight while preparing the specimens (HIS orders, LIS collection and receipt). */
  setupConcurrency: number;
  /** Seed of the synthetic patients and values. */
  seed: number;
  /** Hard limit for the whole run; the bench aborts, cleans up and exits 1 when it is reached. */
  timeoutSeconds: number;
  /** Where the JSON results go. */
  out: string;
}

/**
 * Defaults: 20,000 ORU^R01 over 8 analyzer connections (the issue's "8 connections"), a chemistry panel of 15
 * results per message; 5,000 over one connection (one message in flight: that run is round-trip bound and
 * slower). End to end: 1,000 specimens, one glucose each, sent at the issue's 100 results/s over 4 analyzers.
 */
export const DEFAULTS: BenchConfig = {
  messages: 20_000,
  singleMessages: 5_000,
  connections: 8,
  obx: 15,
  warmup: 100,
  e2eSpecimens: 1_000,
  e2eWarmup: 50,
  e2eRate: 100,
  e2eConnections: 4,
  e2eTests: 1,
  setupConcurrency: 8,
  seed: 20260315,
  timeoutSeconds: 900,
  out: 'bench/results/gateway-ingest-latest.json',
};

const FLAGS = {
  messages: 'messages',
  singleMessages: 'single-messages',
  connections: 'connections',
  obx: 'obx',
  warmup: 'warmup',
  e2eSpecimens: 'e2e-specimens',
  e2eWarmup: 'e2e-warmup',
  e2eRate: 'e2e-rate',
  e2eConnections: 'e2e-connections',
  e2eTests: 'e2e-tests',
  setupConcurrency: 'setup-concurrency',
  seed: 'seed',
  timeoutSeconds: 'timeout-s',
} as const satisfies Partial<Record<keyof BenchConfig, string>>;

const MINIMUM: Partial<Record<keyof typeof FLAGS, number>> = {
  messages: 0,
  singleMessages: 0,
  warmup: 0,
  e2eSpecimens: 0,
  e2eWarmup: 0,
};
const MAXIMUM: Partial<Record<keyof typeof FLAGS, number>> = {
  connections: 64,
  obx: 15,
  e2eConnections: 64,
  e2eTests: 15,
  e2eSpecimens: 100_000,
};

export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([k, flag]) => `  --${flag.padEnd(20)} default ${DEFAULTS[k as keyof typeof FLAGS]}`,
  );
  return [
    'usage: npm run -s bench:gateway-ingest -- [options]',
    ...lines,
    `  --${'out'.padEnd(20)} default ${DEFAULTS.out}`,
    '  (--messages 0 and --single-messages 0 skip the ingest runs, --e2e-specimens 0 the end-to-end run)',
  ].join('\n');
}

export function parseConfig(argv: string[]): BenchConfig | 'help' {
  const options: Record<string, { type: 'string' }> = { out: { type: 'string' } };
  for (const flag of Object.values(FLAGS)) options[flag] = { type: 'string' };
  const { values: parsed } = parseArgs({
    args: argv,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  const values = parsed as Record<string, string | boolean | undefined>;
  if (values['help']) return 'help';
  const cfg: BenchConfig = { ...DEFAULTS };
  for (const [key, flag] of Object.entries(FLAGS) as Array<[keyof typeof FLAGS, string]>) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    const min = MINIMUM[key] ?? 1;
    const max = MAXIMUM[key];
    if (!Number.isInteger(n) || n < min || (max !== undefined && n > max))
      throw new Error(
        `--${flag} must be a whole number ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}, got "${String(raw)}"`,
      );
    cfg[key] = n;
  }
  if (typeof values['out'] === 'string') cfg.out = values['out'];
  return cfg;
}

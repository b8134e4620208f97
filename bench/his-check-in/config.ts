import { parseArgs } from 'node:util';

/** Everything the bench can be told; each field is a command-line flag (see `usage()`). */
export interface BenchConfig {
  /** Check-ins per measured run (the saturation run and the paced run each get this many, each patient once). */
  checkIns: number;
  /** Share of returning patients (registered beforehand, checking in with a card or a CCCD only), in %. */
  returningPct: number;
  /** Clients sending back to back in the saturation run and in both reference runs. */
  concurrency: number;
  /** Offered check-ins/s in the paced (open-loop) run. */
  rate: number;
  /** First-visit check-ins before the clock starts (connections, JIT, plan caches); not measured. */
  warmup: number;
  /** Requests per reference run (GET /health/live, and BEGIN; INSERT; COMMIT). */
  referenceRequests: number;
  /** Consulting rooms P101, P102, ... the check-ins go to, round-robin. */
  rooms: number;
  /** How long "a morning" is, to turn the 1,500 morning visits into an average rate for the report. */
  morningHours: number;
  /** Seed of the synthetic population (names, birth dates, mix order). */
  seed: number;
  /** Hard limit for the whole run; the bench aborts, cleans up and exits 1 when it is reached. */
  timeoutSeconds: number;
  /** Where the JSON results go. */
  out: string;
}

/**
 * Defaults: 1,500 check-ins per run, the morning of a category-I hospital (the issue's figure). 16 clients
 * is a bank of kiosks plus the reception desks of a large outpatient department all pressing at once;
 * 50 check-ins/s offered is that bank at full tilt, far above any real morning (1,500 visits over 4 h is
 * 0.1/s), so the paced run shows the latency of a service that is busy but keeps up.
 */
export const DEFAULTS: BenchConfig = {
  checkIns: 1500,
  returningPct: 30,
  concurrency: 16,
  rate: 50,
  warmup: 50,
  referenceRequests: 5000,
  rooms: 10,
  morningHours: 4,
  seed: 20261122,
  timeoutSeconds: 600,
  out: 'bench/results/his-check-in-latest.json',
};

const FLAGS = {
  checkIns: 'check-ins',
  returningPct: 'returning-pct',
  concurrency: 'concurrency',
  rate: 'rate',
  warmup: 'warmup',
  referenceRequests: 'reference-requests',
  rooms: 'rooms',
  morningHours: 'morning-hours',
  seed: 'seed',
  timeoutSeconds: 'timeout-s',
} as const satisfies Partial<Record<keyof BenchConfig, string>>;

const MINIMUM: Partial<Record<keyof typeof FLAGS, number>> = { returningPct: 0, warmup: 0 };
const MAXIMUM: Partial<Record<keyof typeof FLAGS, number>> = { returningPct: 100, rooms: 999 };

export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([k, flag]) => `  --${flag.padEnd(20)} default ${DEFAULTS[k as keyof typeof FLAGS]}`,
  );
  return [
    'usage: npm run -s bench:his-check-in -- [options]',
    ...lines,
    `  --${'out'.padEnd(20)} default ${DEFAULTS.out}`,
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

import { parseArgs } from 'node:util';

/** Everything the bench can be told; each field is a command-line flag (see `usage()`). */
export interface BenchConfig {
  /** Measured events per path (warm-up events come on top and are not measured). */
  events: number;
  /** Events sent through each path before the clock starts: connects producers, joins groups, warms the JIT. */
  warmup: number;
  /** Distinct record keys (patient ids); events go round-robin over them. */
  patients: number;
  /** Concurrent outbox writers (request handlers), each running its own transactions back to back. */
  writers: number;
  /** Events appended per writer transaction. */
  eventsPerTransaction: number;
  /** OutboxRelay batchSize: rows per pass, one produce request. The raw producer sends batches of this size. */
  relayBatchSize: number;
  /** OutboxRelay pollIntervalMs: the fallback when no NOTIFY arrives. */
  relayPollMs: number;
  /** InboxConsumer maxEventsPerTransaction. */
  maxEventsPerTransaction: number;
  /** InboxConsumer partitionsConsumedConcurrently. */
  partitionsConsumedConcurrently: number;
  /**
   * 1: the effect is an `onBatch` handler (one multi-row INSERT per run of events); 0: `on`, one per event.
   * The run measures both; not a command-line option.
   */
  batchHandler: number;
  /** Pool of the producing side's DataSource (writers, relay queries, the bench's sampler). */
  producerPoolSize: number;
  /** Pool of the consuming side's DataSource (one connection per partition being applied). */
  consumerPoolSize: number;
  /**
   * Offered load in events/s for both paths (open loop); 0 = as fast as each path goes (saturation). With a
   * rate, the latency columns show the latency of a path that keeps up, instead of the queueing of one that
   * is saturated.
   */
  rate: number;
  /** Hard limit for the whole run; the bench aborts, cleans up and exits 1 when it is reached. */
  timeoutSeconds: number;
  /** Where the JSON results go. */
  out: string;
}

/**
 * Defaults: a run of about 25-60 s on 2 cores. Where the bench departs from the library's defaults it says
 * why (measured on the 2-core development VM, see bench/README.md):
 * - partitionsConsumedConcurrently 6 (library: 1): one partition at a time left the consumer 4 s behind
 *   (p50 4.3 s) and cost a third of the throughput; 6, one per partition of the topic, keeps it within
 *   about 0.5 s;
 * - 80 000 events: at 40 000 the raw path finished in about 1.2 s and its figure moved by a quarter between
 *   runs;
 * - 8 writers with a pool of 12: 8 request handlers writing at once is a modest service; with 4 the writers
 *   alone could not produce faster than the relay and consumer could carry;
 */
export const DEFAULTS: BenchConfig = {
  events: 80_000,
  warmup: 500,
  patients: 50,
  writers: 8,
  eventsPerTransaction: 50,
  relayBatchSize: 500,
  relayPollMs: 1000,
  maxEventsPerTransaction: 500,
  partitionsConsumedConcurrently: 6,
  batchHandler: 0,
  producerPoolSize: 12,
  consumerPoolSize: 7,
  rate: 0,
  timeoutSeconds: 600,
  out: 'bench/results/event-backbone-latest.json',
};

const FLAGS = {
  events: 'events',
  warmup: 'warmup',
  patients: 'patients',
  writers: 'writers',
  eventsPerTransaction: 'tx-events',
  relayBatchSize: 'relay-batch',
  relayPollMs: 'relay-poll-ms',
  maxEventsPerTransaction: 'max-per-tx',
  partitionsConsumedConcurrently: 'partitions-concurrently',
  producerPoolSize: 'producer-pool',
  consumerPoolSize: 'consumer-pool',
  rate: 'rate',
  timeoutSeconds: 'timeout-s',
} as const satisfies Partial<Record<keyof BenchConfig, string>>;

export function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([k, flag]) => `  --${flag.padEnd(24)} default ${DEFAULTS[k as keyof typeof FLAGS]}`,
  );
  return [
    'usage: npm run -s bench:event-backbone -- [options]',
    ...lines,
    `  --${'out'.padEnd(24)} default ${DEFAULTS.out}`,
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
    if (!Number.isInteger(n) || n < (key === 'warmup' || key === 'rate' ? 0 : 1))
      throw new Error(
        `--${flag} must be a whole number (>= 1; >= 0 for --warmup and --rate), got "${String(raw)}"`,
      );
    cfg[key] = n;
  }
  if (typeof values['out'] === 'string') cfg.out = values['out'];
  return cfg;
}

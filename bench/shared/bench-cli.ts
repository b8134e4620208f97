import { BenchAborted, Teardown } from '../event-backbone/workload';

export interface BenchCli<C extends { timeoutSeconds: number }> {
  /** The command line: a config, or 'help'. */
  parse(argv: string[]): C | 'help';
  usage(): string;
  /** What the cleanup closes, for the message printed before it runs. */
  cleaning: string;
  /** The measurement: registers what it opens on `teardown`; gives up when `signal` aborts. */
  measure(cfg: C, teardown: Teardown, signal: AbortSignal, deadline: number): Promise<void>;
}

/**
 * The life of every bench process: parse the flags, run the measurement under a hard timeout (and Ctrl-C),
 * clean up whatever it opened whatever happened, and exit 0, or 1 when the run itself failed. A bench reports
 * figures and never asserts on them, so the exit code says only whether the run completed.
 */
export function runBenchCli<C extends { timeoutSeconds: number }>(bench: BenchCli<C>): void {
  main(bench).then(
    (code) => {
      process.exitCode = code;
      // Everything is closed by now; if a stray handle still holds the loop, say so and leave anyway.
      setTimeout(() => {
        process.stderr.write('bench: a handle was still open 10 s after cleanup; exiting\n');
        process.exit(code);
      }, 10_000).unref();
    },
    (err) => {
      process.stderr.write(`bench crashed: ${String(err)}\n`);
      process.exit(1);
    },
  );
}

async function main<C extends { timeoutSeconds: number }>(bench: BenchCli<C>): Promise<number> {
  const cfg = bench.parse(process.argv.slice(2));
  if (cfg === 'help') {
    process.stdout.write(bench.usage() + '\n');
    return 0;
  }
  const deadline = Date.now() + cfg.timeoutSeconds * 1000;
  const abort = new AbortController();
  const onSignal = (s: NodeJS.Signals) => abort.abort(new BenchAborted(`${s}: stopped`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const watchdog = setTimeout(
    () => abort.abort(new BenchAborted(`timed out after ${cfg.timeoutSeconds} s`)),
    cfg.timeoutSeconds * 1000,
  );
  // Whatever the run is waiting on (a peer that stopped answering, a hung query), an abort ends the wait
  // here, and the teardown below closes what is under it.
  const aborted = new Promise<never>((_, reject) =>
    abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true }),
  );
  const teardown = new Teardown();
  let exitCode = 0;
  try {
    await Promise.race([bench.measure(cfg, teardown, abort.signal, deadline), aborted]);
  } catch (err) {
    exitCode = 1;
    process.stderr.write(
      `bench failed: ${err instanceof BenchAborted ? err.message : ((err as Error).stack ?? String(err))}\n`,
    );
  } finally {
    clearTimeout(watchdog);
    abort.abort(new BenchAborted('finished'));
    process.stderr.write(`bench: cleaning up (${bench.cleaning}) ...\n`);
    for (const f of await teardown.run()) process.stderr.write(`cleanup: ${f}\n`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

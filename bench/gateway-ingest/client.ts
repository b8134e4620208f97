/**
 * The analyzers: MLLP clients (`MllpClient` of @hosp/standards-hl7v2-mllp, one TCP connection each, one
 * message in flight per connection as HL7 original-mode acknowledgment requires), run in a worker thread of
 * their own (see `AnalyzerClients`): the gateway runs in the bench's main thread, and clients on the same
 * event loop would take its CPU. Analyzers are other machines; here they at least get their own thread.
 *
 * Two kinds of job:
 * - saturate: `clients` connections send back to back (closed loop) until `messages` ORU^R01 are ACKed;
 *   latency = send() called -> ACK frame read;
 * - paced: message k is due at start + k / rate (open loop) and goes out on connection k % clients as soon
 *   as that connection's previous message is ACKed; its latency counts from the due time, so a connection
 *   that falls behind shows in the figures (no coordinated omission). Due and ACK times are returned as
 *   wall-clock epoch milliseconds, to be compared with what the services recorded.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { MllpClient } from '@hosp/standards-hl7v2-mllp';
import { seededRandom, syntheticPatient } from '../his-check-in/population';
import { ackCodeOf, normalValue, type OruPatient, oruR01, PANEL } from './oru';

export interface SaturateJob {
  kind: 'saturate';
  host: string;
  /** Client i connects to ports[i % ports.length]. */
  ports: number[];
  clients: number;
  /** Unmeasured messages per client before the clock starts. */
  warmup: number;
  /** Measured messages, all clients together (each takes the next one when its previous is ACKed). */
  messages: number;
  /** Prefix of MSH-10 and of the barcodes: unique per run, so no message repeats another's MSH-10. */
  tag: string;
  obx: number;
  seed: number;
}

export interface PacedItem {
  controlId: string;
  barcode: string;
  placer: string;
  patient: OruPatient;
  tests: number[];
  values: string[];
}

export interface PacedJob {
  kind: 'paced';
  host: string;
  port: number;
  clients: number;
  /** Messages per second offered, all clients together. */
  rate: number;
  items: PacedItem[];
}

export type ClientJob = SaturateJob | PacedJob;

export interface Failure {
  index: number;
  error: string;
}

export interface SaturateResult {
  kind: 'saturate';
  /** First measured send to the last ACK, in seconds. */
  seconds: number;
  /** Per measured message: send() -> ACK, ms (NaN when it failed). */
  latencyMs: number[];
  /** MSA-1 of every measured ACK, counted ('' = no MSA). */
  ackCodes: Record<string, number>;
  /** Warm-up messages ACKed AA (they are stored too, and counted in the checks). */
  warmupAa: number;
  failures: Failure[];
  failureCount: number;
  /** Mean ORU^R01 size in bytes (UTF-8, unframed). */
  meanBytes: number;
  /** Measured messages per client. */
  perClient: number[];
  clientCpuMs: number;
}

export interface PacedResult {
  kind: 'paced';
  seconds: number;
  dueEpochMs: number[];
  /** When the message was written (its connection free), epoch ms. */
  sentEpochMs: number[];
  ackEpochMs: number[];
  ackCode: string[];
  failures: Failure[];
  /** The latest a message was written after its due time (waiting behind its connection's previous one), ms. */
  maxSendLagMs: number;
  clientCpuMs: number;
}

export type ClientResult = SaturateResult | PacedResult;

type Message = { id: number; job: ClientJob } | { id: number; go: true } | { id: number; stop: true };

const RESPONSE_TIMEOUT_MS = 60_000;

function threadCpuMs(): number {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : -1;
}

const epochNow = () => performance.timeOrigin + performance.now();

async function connectAll(host: string, ports: number[], n: number): Promise<MllpClient[]> {
  const clients = Array.from(
    { length: n },
    (_, i) =>
      new MllpClient({
        host,
        port: ports[i % ports.length],
        responseTimeoutMs: RESPONSE_TIMEOUT_MS,
        // The gateway applies a new connection's listener asynchronously: allow it a few seconds to bind.
        reconnect: { attempts: 20, initialDelayMs: 100, maxDelayMs: 500 },
      }),
  );
  // Errors surface through send(); keep the emitter from throwing on an unhandled 'error'-like event.
  for (const c of clients) c.on('connectionError', () => undefined);
  await Promise.all(clients.map((c) => c.connect()));
  return clients;
}

/** The run's analyzer messages, built before the clock starts. */
function saturateMessages(job: SaturateJob, count: number, suffix: string): Buffer[] {
  const random = seededRandom(job.seed);
  const patients: OruPatient[] = Array.from({ length: 500 }, (_, i) => {
    const p = syntheticPatient(i, random);
    return { code: `BN26${String(i).padStart(6, '0')}`, ...p };
  });
  const tests = Array.from({ length: job.obx }, (_, i) => i);
  const at = new Date();
  return Array.from({ length: count }, (_, k) =>
    Buffer.from(
      oruR01({
        controlId: `${job.tag}${suffix}${k}`,
        barcode: `${job.tag}${suffix}${String(k).padStart(7, '0')}`,
        placer: `ORD${job.tag}${suffix}${k}`,
        patient: patients[k % patients.length],
        tests,
        values: tests.map((i) => normalValue(PANEL[i], random)),
        at,
      }),
      'utf8',
    ),
  );
}

/** Builds the messages, connects and warms up; resolves with the measured run, to start when the caller says. */
async function saturate(job: SaturateJob): Promise<() => Promise<SaturateResult>> {
  const warm = saturateMessages(job, job.warmup * job.clients, 'W');
  const messages = saturateMessages(job, job.messages, '');
  const clients = await connectAll(job.host, job.ports, job.clients);
  const latencyMs = new Array<number>(job.messages).fill(NaN);
  const ackCodes: Record<string, number> = {};
  const failures: Failure[] = [];
  let failureCount = 0;
  let warmupAa = 0;
  const perClient = new Array<number>(job.clients).fill(0);
  const closeAll = () => Promise.all(clients.map((c) => c.close().catch(() => c.destroy())));
  try {
    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = i * job.warmup; k < (i + 1) * job.warmup; k++)
          if (ackCodeOf(await c.send(warm[k])) === 'AA') warmupAa++;
      }),
    );
  } catch (err) {
    await closeAll();
    throw err;
  }
  return async () => {
    try {
      const cpu0 = threadCpuMs();
      let next = 0;
      let lastEnd = 0;
      const t0 = performance.now();
      await Promise.all(
        clients.map(async (c, i) => {
          for (let k = next++; k < job.messages; k = next++) {
            const s = performance.now();
            try {
              const ack = await c.send(messages[k]);
              const e = performance.now();
              latencyMs[k] = e - s;
              lastEnd = Math.max(lastEnd, e);
              const code = ackCodeOf(ack);
              ackCodes[code] = (ackCodes[code] ?? 0) + 1;
              perClient[i]++;
            } catch (err) {
              failureCount++;
              if (failures.length < 50) failures.push({ index: k, error: String(err) });
            }
          }
        }),
      );
      const cpu1 = threadCpuMs();
      return {
        kind: 'saturate',
        seconds: (lastEnd - t0) / 1000,
        latencyMs,
        ackCodes,
        warmupAa,
        failures,
        failureCount,
        meanBytes: Math.round(messages.reduce((s, b) => s + b.length, 0) / Math.max(1, messages.length)),
        perClient,
        clientCpuMs: cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
      };
    } finally {
      await closeAll();
    }
  };
}

/** Builds the messages and connects; resolves with the paced run, to start when the caller says. */
async function paced(job: PacedJob): Promise<() => Promise<PacedResult>> {
  const at = new Date();
  const messages = job.items.map((it) => Buffer.from(oruR01({ ...it, at }), 'utf8'));
  const clients = await connectAll(job.host, [job.port], job.clients);
  return () => pacedRun(job, messages, clients);
}

async function pacedRun(job: PacedJob, messages: Buffer[], clients: MllpClient[]): Promise<PacedResult> {
  const n = messages.length;
  const dueEpochMs = new Array<number>(n).fill(NaN);
  const sentEpochMs = new Array<number>(n).fill(NaN);
  const ackEpochMs = new Array<number>(n).fill(NaN);
  const ackCode = new Array<string>(n).fill('');
  const failures: Failure[] = [];
  let maxSendLagMs = 0;
  let lastEnd = 0;
  // Each connection's own FIFO: a message due while the previous one waits for its ACK goes right after it.
  const chains: Array<Promise<void>> = clients.map(() => Promise.resolve());
  try {
    const cpu0 = threadCpuMs();
    const t0 = performance.now();
    for (let k = 0; k < n; k++) {
      const due = t0 + (k / job.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      dueEpochMs[k] = performance.timeOrigin + due;
      const c = k % clients.length;
      chains[c] = chains[c].then(async () => {
        const sent = performance.now();
        maxSendLagMs = Math.max(maxSendLagMs, sent - due);
        sentEpochMs[k] = performance.timeOrigin + sent;
        try {
          const ack = await clients[c].send(messages[k]);
          ackEpochMs[k] = epochNow();
          ackCode[k] = ackCodeOf(ack);
        } catch (err) {
          failures.push({ index: k, error: String(err) });
        }
        lastEnd = Math.max(lastEnd, performance.now());
      });
    }
    await Promise.all(chains);
    const cpu1 = threadCpuMs();
    return {
      kind: 'paced',
      seconds: (lastEnd - t0) / 1000,
      dueEpochMs,
      sentEpochMs,
      ackEpochMs,
      ackCode,
      failures,
      maxSendLagMs,
      clientCpuMs: cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
    };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => c.destroy())));
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  let ready: (() => Promise<ClientResult>) | undefined;
  const answer = (id: number, work: Promise<unknown>) =>
    work.then(
      (result) => port.postMessage({ id, result }),
      (err: Error) => port.postMessage({ id, error: err.stack ?? String(err) }),
    );
  port.on('message', (m: Message) => {
    if ('stop' in m) {
      port.close();
    } else if ('go' in m) {
      const run = ready;
      ready = undefined;
      void answer(m.id, run ? run() : Promise.reject(new Error('no job prepared')));
    } else {
      const prepared: Promise<() => Promise<ClientResult>> =
        m.job.kind === 'saturate' ? saturate(m.job) : paced(m.job);
      void answer(
        m.id,
        prepared.then((go) => {
          ready = go;
          return { kind: 'prepared' };
        }),
      );
    }
  });
}

/** The bench's handle on the analyzers' thread: one job at a time, prepared, then run. */
export class AnalyzerClients {
  private readonly worker = new Worker(__filename);
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>();
  /** Why the thread is gone (it failed to start, or exited): later jobs fail at once instead of waiting forever. */
  private dead: Error | undefined;

  constructor() {
    this.worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.result) w?.resolve(m.result);
      else w?.reject(new Error(`analyzer clients: ${m.error ?? 'no result'}`));
    });
    const failAll = (err: Error) => {
      this.dead ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`analyzer client thread exited (${code})`)));
  }

  /**
   * Builds the job's messages and opens its connections (a saturating job also warms up); resolves with the
   * measured run, which starts when called, so that the caller's clock and CPU meter cover only that.
   */
  async prepare<J extends ClientJob>(
    job: J,
  ): Promise<() => Promise<J extends SaturateJob ? SaturateResult : PacedResult>> {
    await this.call({ id: this.nextId++, job });
    return () =>
      this.call({ id: this.nextId++, go: true }) as Promise<
        J extends SaturateJob ? SaturateResult : PacedResult
      >;
  }

  private call(message: Message): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(this.dead);
      this.waiting.set(message.id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The load generator, run in a worker thread of its own (see `LoadClient`): the HIS runs in the bench's main
 * thread, and a client on the same event loop would take its CPU from the service it measures. Kiosks are
 * other machines; here the client at least gets its own thread (and core, when there is one free).
 *
 * HTTP through Node's global fetch (undici, keep-alive), the response body always read to the end.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** JSON text, built before the clock starts. */
  body?: string;
}

export interface LoadJob {
  baseUrl: string;
  requests: LoadRequest[];
  /** Closed loop: this many clients, each sending its next request when the previous one answered. */
  concurrency: number;
  /** Open loop when > 0: request k is due at start + k / rate, whether or not earlier ones answered. */
  rate: number;
  /** Open loop: at most this many requests in flight; a request due while the cap is reached waits (and its wait counts). */
  maxInFlight: number;
  expectStatus: number;
  /** Per request; a request that takes longer is aborted and counted as failed. */
  timeoutMs: number;
}

export interface LoadResult {
  /** First send (open loop: first due time) to the last response, in seconds. */
  seconds: number;
  /**
   * Per request, in order: closed loop, send -> response read; open loop, due time -> response read (so a
   * late send or a wait for the in-flight cap counts, no coordinated omission).
   */
  latencyMs: number[];
  status: number[];
  /** Requests that did not answer `expectStatus`: status (0 = no response) and the body or the error. */
  failures: Array<{ index: number; status: number; body: string }>;
  /** Open loop: the latest a request was sent after its due time (the client's own lag), in ms. */
  maxSendLagMs: number;
  maxInFlight: number;
  /** CPU time of the client's thread over the job, in ms (-1 when the runtime cannot tell). */
  clientCpuMs: number;
}

type Message = { id: number; job: LoadJob } | { id: number; stop: true };

function threadCpuMs(): number {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : -1;
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const n = job.requests.length;
  const latencyMs = new Array<number>(n).fill(NaN);
  const status = new Array<number>(n).fill(0);
  const failures: LoadResult['failures'] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let maxSendLagMs = 0;
  let lastEnd = 0;

  const send = async (index: number, from: number): Promise<void> => {
    const r = job.requests[index];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let code = 0;
    let text = '';
    try {
      const res = await fetch(job.baseUrl + r.path, {
        method: r.method,
        headers: r.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: r.body,
        signal: AbortSignal.timeout(job.timeoutMs),
      });
      code = res.status;
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: Error };
      text = `${e.name}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`;
    }
    const end = performance.now();
    inFlight--;
    lastEnd = Math.max(lastEnd, end);
    latencyMs[index] = end - from;
    status[index] = code;
    if (code !== job.expectStatus) failures.push({ index, status: code, body: text });
  };

  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  if (job.rate > 0) {
    const pending: Array<Promise<void>> = [];
    const slotFreed: Array<() => void> = [];
    for (let k = 0; k < n; k++) {
      const due = t0 + (k / job.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inFlight >= job.maxInFlight) await new Promise<void>((r) => slotFreed.push(r));
      maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
      pending.push(send(k, due).finally(() => slotFreed.shift()?.()));
    }
    await Promise.all(pending);
  } else {
    let next = 0;
    const client = async () => {
      for (let k = next++; k < n; k = next++) await send(k, performance.now());
    };
    await Promise.all(Array.from({ length: Math.min(job.concurrency, n) }, client));
  }
  const cpu1 = threadCpuMs();
  return {
    seconds: (lastEnd - t0) / 1000,
    latencyMs,
    status,
    failures,
    maxSendLagMs,
    maxInFlight,
    clientCpuMs: cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (m: Message) => {
    if ('stop' in m) {
      port.close();
      return;
    }
    runJob(m.job).then(
      (result) => port.postMessage({ id: m.id, result }),
      (err: Error) => port.postMessage({ id: m.id, error: err.stack ?? String(err) }),
    );
  });
}

/** The bench's handle on the worker: one job at a time. */
export class LoadClient {
  private readonly worker = new Worker(__filename);
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();

  constructor() {
    this.worker.on('message', (m: { id: number; result?: LoadResult; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.result) w?.resolve(m.result);
      else w?.reject(new Error(`load client: ${m.error ?? 'no result'}`));
    });
    const failAll = (err: Error) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', (code) => failAll(new Error(`load client thread exited (${code})`)));
  }

  run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, job } satisfies Message);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

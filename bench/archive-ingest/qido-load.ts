/**
 * The QIDO load generator, run as a process of its own (`node qido-load.ts '<json spec>'`, Node's type
 * stripping) so that it takes no CPU from the archive's event loop, and is the same program for both targets.
 * `concurrency` clients over one keep-alive agent, each issuing the requests of `requests` in turn
 * (round robin from a different start), for `warmupMs` unmeasured and then `durationMs` measured. Prints one
 * JSON line: requests, errors, seconds, latencies (ms) and the first error.
 */
import http from 'node:http';

interface Req {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  accept?: string;
}
interface Spec {
  base: string;
  requests: Req[];
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

const spec = JSON.parse(process.argv[2]) as Spec;
const url = new URL(spec.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });

function send(r: Req): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname.replace(/\/$/, '') + r.path,
        method: r.method,
        agent,
        headers: {
          accept: r.accept ?? 'application/json',
          ...(r.body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) }
            : {}),
        },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

async function main(): Promise<void> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError = '';
  let measuring = false;
  let stop = false;
  const t0 = performance.now();
  let tStart = 0;
  setTimeout(() => {
    measuring = true;
    tStart = performance.now();
    setTimeout(() => (stop = true), spec.durationMs);
  }, spec.warmupMs);
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: spec.concurrency }, async (_, c) => {
      for (let i = c; !stop; i++) {
        const r = spec.requests[i % spec.requests.length];
        const s = performance.now();
        let status = 0;
        try {
          status = await send(r);
        } catch (err) {
          if (!firstError) firstError = String(err);
        }
        const e = performance.now();
        if (!measuring || s < tStart) continue;
        if (status >= 200 && status < 300) latencies.push(e - s);
        else {
          errors++;
          if (!firstError) firstError = `HTTP ${status} on ${r.method} ${r.path}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - tStart) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  process.stdout.write(
    JSON.stringify({
      requests: latencies.length,
      errors,
      seconds,
      latencies,
      firstError,
      clientCpuPct: ((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100,
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(String(err) + '\n');
  process.exit(1);
});

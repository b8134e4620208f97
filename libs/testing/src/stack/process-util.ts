import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname } from 'node:path';

/**
 * True when `pid` runs and, given a marker, its command line contains it: a pid file left from before a
 * reboot may name an unrelated process now, which must be neither waited for nor killed.
 */
export function isAlive(pid: number | undefined, marker?: string): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!marker) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return true; // no /proc (not Linux): trust the signal check
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts a long-running process detached from this one, output appended to `logFile`, pid in `pidFile`. */
export function spawnDaemon(
  cmd: string,
  args: string[],
  logFile: string,
  pidFile: string,
  cwd?: string,
): number {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${cmd}`);
  writeFileSync(pidFile, String(child.pid));
  return child.pid;
}

export async function stopPid(pidFile: string, marker?: string, graceMs = 30_000): Promise<void> {
  const pid = readPid(pidFile);
  if (isAlive(pid, marker)) {
    process.kill(pid!, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid, marker) && Date.now() < deadline) await sleep(200);
    if (isAlive(pid, marker)) process.kill(pid!, 'SIGKILL');
    const killDeadline = Date.now() + 10_000;
    while (isAlive(pid, marker) && Date.now() < killDeadline) await sleep(50);
  }
  rmSync(pidFile, { force: true });
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A block of `count` consecutive free loopback ports for a test's own broker. Taken below Linux's ephemeral
 * range (32768-60999 by default), where the source ports of outgoing connections could be holding one.
 */
export async function freePortBlock(count: number, from = 20_000, to = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = from + Math.floor(Math.random() * ((to - from - count) / 2)) * 2;
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return base;
  }
  throw new Error(`no block of ${count} free ports between ${from} and ${to}`);
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFileMeta } from '@hosp/standards-dicom';
import {
  bootService,
  type BootedService,
  type BootOptions,
  jsonApi,
  type JsonApi,
} from '@hosp/service-testing';
import { freePortBlock, portOpen } from '@hosp/testing';
import { AppModule } from '../../../src/app.module';
import { serviceDefinition } from '../../../src/service.definition';

const execFileAsync = promisify(execFile);

export const ARCHIVE_AE = 'HOSP_ARCHIVE';

/** pydicom's sample files (Debian python3-pydicom): objects written by software we did not write. */
export const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
export const sample = (name: string): string => join(PYDICOM, name);

export interface Archive extends BootedService {
  dicomPort: number;
  archiveRoot: string;
  call: JsonApi;
}

/**
 * Boots the archive on free ports (HTTP and DICOM) with an archive root of its own, against the real stack.
 * Settings go through the environment, as in production.
 */
export async function bootArchive(
  env: Record<string, string> = {},
  options: BootOptions = {},
): Promise<Archive> {
  const dicomPort = await freePortBlock(1);
  const archiveRoot = mkdtempSync(join(tmpdir(), 'archive-'));
  Object.assign(process.env, {
    DICOM_PORT: String(dicomPort),
    DICOM_HOST: '127.0.0.1',
    DICOM_AE_TITLE: ARCHIVE_AE,
    ARCHIVE_ROOT: archiveRoot,
    STUDY_QUIET_MS: '1500',
    ...env,
  });
  const booted = await bootService(AppModule, serviceDefinition, options);
  return {
    ...booted,
    dicomPort,
    archiveRoot,
    call: jsonApi(booted, { 'x-actor-id': 'ktv-hung' }),
    close: async () => {
      await booted.close();
      rmSync(archiveRoot, { recursive: true, force: true });
    },
  };
}

/** Registers a calling AE (a modality, a workstation, a PACS). */
export async function addPeer(archive: Archive, aeTitle: string, body: Record<string, unknown> = {}) {
  const r = await archive.call('PUT', `/dicom/peers/${aeTitle}`, body);
  if (r.status !== 200) throw new Error(`peer ${aeTitle} not saved: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a DCMTK (or other) command line tool; never throws on a non-zero exit. */
export async function tool(
  cmd: string,
  args: string[],
  timeoutMs = 60_000,
  cwd?: string,
): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, {
      timeout: timeoutMs,
      cwd,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export { eventually, publishAs, readEvents, type ReadEvent } from '@hosp/service-testing';

/** A scratch directory of the test's own. */
export function scratch(prefix = 'dcm-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A C-FIND with DCMTK's findscu: the identifier written as a dcmdump text and converted with dump2dcm (as a
 * modality's query file would be), the responses written by findscu (-X) and read back with dcm2json.
 * `mode` is -W (worklist), -S (study root) or -P (patient root).
 */
export async function findscu(
  archive: Archive,
  callingAe: string,
  mode: '-W' | '-S' | '-P',
  dump: string,
): Promise<{ result: ToolResult; responses: Array<Record<string, { vr: string; Value?: unknown[] }>> }> {
  const dir = scratch('findscu-');
  writeFileSync(join(dir, 'query.dump'), dump);
  const made = await tool('dump2dcm', [join(dir, 'query.dump'), join(dir, 'query.dcm')]);
  if (made.code !== 0) throw new Error(`dump2dcm failed: ${made.stderr}`);
  const out = join(dir, 'out');
  mkdirSync(out);
  const result = await tool('findscu', [
    '-v',
    mode,
    '-X',
    '-od',
    out,
    '-aet',
    callingAe,
    '-aec',
    ARCHIVE_AE,
    '127.0.0.1',
    String(archive.dicomPort),
    join(dir, 'query.dcm'),
  ]);
  const responses = [];
  for (const f of readdirSync(out).sort()) {
    const json = await tool('dcm2json', [join(out, f)]);
    responses.push(JSON.parse(json.stdout));
  }
  rmSync(dir, { recursive: true, force: true });
  return { result, responses };
}

/** The first value of an attribute of a DICOM JSON object (person names as their alphabetic group). */
export function val(ds: Record<string, { Value?: unknown[] }> | undefined, tag: string): unknown {
  const v = ds?.[tag]?.Value?.[0];
  return v && typeof v === 'object' && 'Alphabetic' in v ? (v as { Alphabetic: string }).Alphabetic : v;
}

export const PEERS = join(__dirname, '..', '..', 'peers');

/** The MPPS SCU of python3-odil (test/peers/mpps_scu.py): the statuses of its N-CREATE / N-SET operations. */
export async function mppsScu(
  archive: Archive,
  callingAe: string,
  operations: Array<{ op: 'create' | 'set'; uid: string; dataset: Record<string, unknown> }>,
): Promise<Array<{ op: string; status: number }>> {
  const spec = { port: archive.dicomPort, calling: callingAe, called: ARCHIVE_AE, operations };
  const r = await tool('/usr/bin/python3', [join(PEERS, 'mpps_scu.py'), JSON.stringify(spec)]);
  if (r.code !== 0) throw new Error(`mpps_scu.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A long-running peer process (storescp, Orthanc) started by a test; killed in afterAll. */
export async function startProcess(
  cmd: string,
  args: string[],
  ready: { port: number } | { wait: number },
): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  if ('port' in ready) {
    const deadline = Date.now() + 30_000;
    while (!(await portOpen(ready.port))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`${cmd} did not start listening on ${ready.port}: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } else await new Promise((r) => setTimeout(r, ready.wait));
  return child;
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The data set part of a Part 10 file (what went over the network), after its File Meta Information. */
export function datasetOf(file: Buffer): Buffer {
  return file.subarray(readFileMeta(file).datasetOffset);
}

/**
 * A copy of a sample file with attributes changed by DCMTK's dcmodify (as a modality would have written them):
 * `changes` maps a tag "(gggg,eeee)" or keyword to its new value. The data set keeps its transfer syntax.
 */
export async function modified(
  source: string,
  dir: string,
  name: string,
  changes: Record<string, string>,
): Promise<string> {
  const target = join(dir, name);
  copyFileSync(source, target);
  const args = ['-nb', '-imt'];
  for (const [k, v] of Object.entries(changes)) args.push('-i', `${k}=${v}`);
  const r = await tool('dcmodify', [...args, target]);
  if (r.code !== 0) throw new Error(`dcmodify failed: ${r.stderr}`);
  return target;
}

export async function dcmsend(archive: Archive, callingAe: string, files: string[]): Promise<ToolResult> {
  return tool('dcmsend', [
    '-aet',
    callingAe,
    '-aec',
    ARCHIVE_AE,
    '127.0.0.1',
    String(archive.dicomPort),
    ...files,
  ]);
}

export interface Orthanc {
  process: ChildProcess;
  http: string;
  dicomPort: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Debian's Orthanc as the downstream PACS, on free ports, with a generated configuration and a store of its
 * own: `/usr/sbin/Orthanc <config.json>` (interop-peers.md §1.4). No plugins; HTTP on loopback only.
 */
export async function startOrthanc(
  ports?: { http: number; dicom: number },
  dir = scratch('orthanc-'),
): Promise<Orthanc> {
  const base = ports ? undefined : await freePortBlock(2);
  const http = ports?.http ?? base!;
  const dicom = ports?.dicom ?? base! + 1;
  const config = {
    Name: 'ORTHANC-PACS',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    Plugins: [],
    HttpPort: http,
    DicomPort: dicom,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    StorageCompression: false,
    DicomCheckCalledAet: false,
    DicomAlwaysAllowStore: true,
  };
  writeFileSync(join(dir, 'orthanc.json'), JSON.stringify(config, null, 2));
  const child = await startProcess('/usr/sbin/Orthanc', [join(dir, 'orthanc.json')], { port: dicom });
  return {
    process: child,
    http: `http://127.0.0.1:${http}`,
    dicomPort: dicom,
    dir,
    stop: async () => {
      await stopProcess(child);
    },
  };
}

/**
 * bench/hl7v2-parse: how fast does @hosp/standards-hl7v2 read a typical lab result, beside a reference parser
 * from npm (hl7-standard, the library the design card named) and a naive split() baseline, in the same run?
 *
 *   npx tsx --tsconfig tsconfig.base.json bench/hl7v2-parse/run.ts [--seconds 2] [--out <file>|--no-out]
 *
 * Input: libs/standards/hl7v2/test/fixtures/oru-r01-chemistry-v251.hl7, an ORU^R01 v2.5.1 from a chemistry
 * analyzer (27 segments, 21 OBX, UTF-8 Vietnamese names, escapes in an NTE), 4.5 kB. Every case starts from
 * the raw bytes, as the MLLP listener hands them over, so decoding is part of the cost. Cases:
 *   ours, header only   parseHl7(bytes) + MSH-9/MSH-10/MSH-12: what the gateway does before its DB write
 *   ours, mapping       the same + what an ORU-to-lab-result mapper reads (patient; ~10 values per OBR/OBX)
 *   ours, every value   the same + every field/repetition/component/subcomponent of every segment, unescaped
 *   hl7-standard        new HL7(text).transform(): builds its whole object tree (no escape decoding)
 *   naive split         split on CR | ~ ^ &: no escapes, no MSH-18, no checks; a floor, not a parser
 *
 * Reports, never asserts: exits 0 whatever the figures, 1 only when the run itself failed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseHl7, unescapeHl7, type Hl7Message } from '@hosp/standards-hl7v2';

const ROOT = resolve(__dirname, '../..');
const FIXTURE = resolve(ROOT, 'libs/standards/hl7v2/test/fixtures/oru-r01-chemistry-v251.hl7');
/** The gateway's target (docs/ARCHITECTURE): 5,000 ORU/s on 2 cores, DB write included. */
const TARGET_MSGS_PER_SECOND = 5_000;

interface Options {
  seconds: number;
  out: string | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 2, out: resolve(ROOT, 'bench/results/hl7v2-parse-latest.json') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--seconds') options.seconds = Number(argv[++i]);
    else if (arg === '--out') options.out = resolve(argv[++i]);
    else if (arg === '--no-out') options.out = undefined;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: run.ts [--seconds 2] [--out bench/results/hl7v2-parse-latest.json | --no-out]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  if (!(options.seconds > 0)) throw new Error('--seconds must be positive');
  return options;
}

interface Case {
  name: string;
  /** Parses one message and returns PID-5.1, checked once so that no case measures a wrong answer. */
  run(bytes: Buffer): string | undefined;
}

interface Result {
  name: string;
  messages: number;
  seconds: number;
  msgsPerSecond: number;
  mbPerSecond: number;
  microsecondsPerMessage: number;
}

/** Every primitive of every segment, unescaped: the walk a full conversion (e.g. to FHIR) would do. */
function readEverything(msg: Hl7Message): number {
  const sep = msg.separators;
  let n = 0;
  for (const segment of msg.segments) {
    for (let f = 1; f <= segment.fieldCount; f++) {
      for (const rep of segment.repetitions(f)) {
        for (const component of rep.split(sep.component)) {
          for (const sub of component.split(sep.subcomponent)) n += unescapeHl7(sub, sep).length;
        }
      }
    }
  }
  return n;
}

/** What an ORU^R01-to-lab-result mapper reads: header, patient, and about ten values per OBR/OBX. */
function readForMapping(msg: Hl7Message): number {
  let n = 0;
  const add = (v: string | undefined): void => {
    n += v?.length ?? 0;
  };
  for (const path of [
    'MSH-3',
    'MSH-4',
    'MSH-7',
    'PID-3-1',
    'PID-3-4',
    'PID-5-1',
    'PID-5-2',
    'PID-7',
    'PID-8',
  ]) {
    add(msg.get(path));
  }
  for (const obr of msg.getSegments('OBR')) for (const f of [2, 3, 4, 7, 14, 22, 25]) add(obr.value(f));
  for (const obx of msg.getSegments('OBX')) {
    add(obx.value(2));
    add(obx.value(3, 1));
    add(obx.value(3, 3));
    add(obx.value(3, 4));
    add(obx.value(5));
    add(obx.value(6));
    add(obx.value(7));
    add(obx.value(8));
    add(obx.value(11));
    add(obx.value(14));
  }
  return n;
}

function naiveSplit(text: string): string[][][][][] {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.length > 0)
    .map((line) =>
      line.split('|').map((f) => f.split('~').map((r) => r.split('^').map((c) => c.split('&')))),
    );
}

async function cases(): Promise<{ list: Case[]; reference: string | undefined }> {
  const list: Case[] = [
    {
      name: 'ours: parse + header (MSH-9/10/12)',
      run: (bytes) => {
        const msg = parseHl7(bytes);
        if (!msg.messageType || !msg.controlId || !msg.version) throw new Error('header not read');
        return msg.get('PID-5-1');
      },
    },
    {
      name: 'ours: parse + mapping reads (~230 values)',
      run: (bytes) => {
        const msg = parseHl7(bytes);
        readForMapping(msg);
        return msg.get('PID-5-1');
      },
    },
    {
      name: 'ours: parse + every value unescaped',
      run: (bytes) => {
        const msg = parseHl7(bytes);
        readEverything(msg);
        return msg.get('PID-5-1');
      },
    },
  ];
  let reference: string | undefined;
  try {
    // Loaded by name so that the bench still runs (with the baseline only) where it is not installed.
    const name = 'hl7-standard';
    const mod = (await import(name)) as { default?: unknown };
    const HL7 = (mod.default ?? mod) as new (text: string) => {
      transform(): void;
      get(path: string): unknown;
    };
    const version = (
      JSON.parse(readFileSync(require.resolve('hl7-standard/package.json'), 'utf8')) as { version: string }
    ).version;
    reference = `hl7-standard ${version}`;
    list.push({
      name: `${reference}: transform()`,
      run: (bytes) => {
        const msg = new HL7(bytes.toString('utf8'));
        msg.transform();
        return msg.get('PID.5.1') as string;
      },
    });
  } catch {
    reference = undefined;
  }
  list.push({
    name: 'naive split (floor, not a parser)',
    run: (bytes) => naiveSplit(bytes.toString('utf8'))[1][5][0][0][0],
  });
  return { list, reference };
}

function measure(c: Case, bytes: Buffer, seconds: number): Result {
  const expected = 'NGUYỄN';
  const got = c.run(bytes);
  if (got !== expected)
    throw new Error(`${c.name}: read PID-5.1 as ${JSON.stringify(got)}, expected ${expected}`);
  // Warm up (JIT), then run in batches until the time is up.
  const warmUntil = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmUntil) for (let i = 0; i < 100; i++) c.run(bytes);
  const batch = 200;
  let messages = 0;
  const start = performance.now();
  const stop = start + seconds * 1000;
  let now = start;
  while (now < stop) {
    for (let i = 0; i < batch; i++) c.run(bytes);
    messages += batch;
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  const msgsPerSecond = messages / elapsed;
  return {
    name: c.name,
    messages,
    seconds: Math.round(elapsed * 100) / 100,
    msgsPerSecond: Math.round(msgsPerSecond),
    mbPerSecond: Math.round(((msgsPerSecond * bytes.length) / 1e6) * 10) / 10,
    microsecondsPerMessage: Math.round((1e6 / msgsPerSecond) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const bytes = readFileSync(FIXTURE);
  const sample = parseHl7(bytes);
  const { list, reference } = await cases();
  console.log(
    `hl7v2-parse: ${sample.getRaw('MSH-9')} v${sample.version}, ${bytes.length} bytes, ${sample.segments.length} segments ` +
      `(${sample.getSegments('OBX').length} OBX); ${options.seconds} s per case on one core of ${cpus().length}`,
  );
  if (!reference)
    console.log('note: hl7-standard is not installed; comparing with the naive split baseline only');
  const results = list.map((c) => measure(c, bytes, options.seconds));
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(
    `${'case'.padEnd(width)}  ${'msgs/s'.padStart(9)}  ${'MB/s'.padStart(7)}  ${'us/msg'.padStart(8)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${r.msgsPerSecond.toLocaleString('en-US').padStart(9)}  ${r.mbPerSecond.toFixed(1).padStart(7)}  ${r.microsecondsPerMessage.toFixed(2).padStart(8)}`,
    );
  }
  const header = results[0];
  const full = results[2];
  const ref = reference ? results[3] : undefined;
  const coreShare = (r: Result): number => Math.round((TARGET_MSGS_PER_SECOND / r.msgsPerSecond) * 1000) / 10;
  const mapping = results[1];
  const verdict =
    `at the gateway target of ${TARGET_MSGS_PER_SECOND.toLocaleString('en-US')} msgs/s, parsing takes ` +
    `${coreShare(header)}% of one core for the header (what the gateway reads before its DB write), ` +
    `${coreShare(mapping)}% with the mapping reads, ${coreShare(full)}% for every value` +
    (ref
      ? `; ${reference} takes ${coreShare(ref)}% whatever is read ` +
        `(${(header.msgsPerSecond / ref.msgsPerSecond).toFixed(0)}x our header-only time, ` +
        `${(full.msgsPerSecond / ref.msgsPerSecond).toFixed(1)}x our every-value time)`
      : '');
  console.log(verdict);
  if (options.out) {
    mkdirSync(dirname(options.out), { recursive: true });
    const report = {
      bench: 'hl7v2-parse',
      at: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        loadAverage1m: loadavg()[0],
        node: process.version,
      },
      input: {
        fixture: 'libs/standards/hl7v2/test/fixtures/oru-r01-chemistry-v251.hl7',
        bytes: bytes.length,
        segments: sample.segments.length,
      },
      config: { secondsPerCase: options.seconds, reference: reference ?? 'none (naive split only)' },
      results,
      verdict,
    };
    writeFileSync(options.out, JSON.stringify(report, null, 2) + '\n');
    console.log(`wrote ${options.out}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * bench/claims-day: how long does a day of a category-I hospital take to turn into signed XML 130 claims?
 * About 1,500 outpatient and 150 inpatient episodes (issue: "the whole day in under 10 seconds").
 *
 *   npm run bench:claims-day -- [--outpatient 1500] [--inpatient 150] [--out <file>|--no-out]
 *
 * Each episode goes through the claims service's own pipeline (services/claims/src/claims/domain/build-claim):
 * assemble the tables from the episode's facts with the money rules, check every row against the layout in
 * force and the cross-table rules, write the documents, wrap them in GIAMDINHHS and sign it (XML-DSig,
 * RSA-SHA256, 2048-bit key, C14N). Beside it, in the same run and on the same envelopes, two references:
 *   rsa-sha256 only    node:crypto signing the envelope bytes: the cryptographic floor of any signed claim
 *   xml-dsig only      signEnveloped on the finished envelope: what the XML signature adds over the floor
 * and a stage breakdown. A sample of the signed claims is verified, so no figure measures a wrong answer.
 * The database is not part of it (the service stores one row per claim; see bench/README.md).
 *
 * Reports, never asserts: exits 0 whatever the figures, 1 only when the run itself failed.
 */
import { createSign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  createDevelopmentPkcs12,
  loadPkcs12,
  signEnveloped,
  verifyEnveloped,
} from '@hosp/standards-bhyt-xml';
import type { CatalogEntry } from '../../services/claims/src/catalog/domain/catalog-entry';
import { assembleClaim, type ClaimsFacility } from '../../services/claims/src/claims/domain/assemble';
import { buildClaim, type SignDocument } from '../../services/claims/src/claims/domain/build-claim';
import { makeDay } from './day';

const ROOT = resolve(__dirname, '../..');
const TARGET_SECONDS = 10;

interface Options {
  outpatient: number;
  inpatient: number;
  out: string | undefined;
}

function parseArgs(argv: string[]): Options | 'help' {
  const o: Options = {
    outpatient: 1500,
    inpatient: 150,
    out: resolve(ROOT, 'bench/results/claims-day-latest.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outpatient') o.outpatient = Number(argv[++i]);
    else if (a === '--inpatient') o.inpatient = Number(argv[++i]);
    else if (a === '--out') o.out = resolve(argv[++i]!);
    else if (a === '--no-out') o.out = undefined;
    else if (a === '--help' || a === '-h') return 'help';
    else throw new Error(`unknown option ${a}`);
  }
  if (!(o.outpatient >= 0 && o.inpatient >= 0)) throw new Error('episode counts must be >= 0');
  return o;
}

const FACILITY: ClaimsFacility = {
  code: '79001',
  profile: { system: 'technical-level', level: 'basic' },
  baseSalary: '2340000',
  signerHealthId: '7900100001',
};

function main(): number {
  const opts = parseArgs(process.argv.slice(2));
  if (opts === 'help') {
    console.log(
      'usage: run.ts [--outpatient 1500] [--inpatient 150] [--out bench/results/claims-day-latest.json | --no-out]',
    );
    return 0;
  }
  const p12 = createDevelopmentPkcs12({ commonName: 'bench signer 79001', password: 'bench' });
  const key = loadPkcs12(p12, 'bench');
  if (!key.ok) throw new Error(key.reason);
  const sign: SignDocument = (xml) => {
    const r = signEnveloped(xml, { privateKeyPem: key.privateKeyPem, certificatePem: key.certificatePem });
    return r.ok ? { ok: true, xml: r.xml } : { ok: false, code: r.code, reason: r.reason };
  };
  const { episodes, catalog } = makeDay(opts.outpatient, opts.inpatient, new Date());
  const catalogMap = new Map<string, CatalogEntry>(catalog.map((c) => [c.code, c]));
  const lines = episodes.reduce((n, e) => n + e.facts.charges.length, 0);
  console.log(
    `claims-day: ${episodes.length} episodes (${opts.outpatient} outpatient, ${opts.inpatient} inpatient), ` +
      `${lines} ledger lines; node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)}`,
  );

  // Warm-up (JIT, key parsing) on a few episodes, not counted.
  for (const e of episodes.slice(0, 20))
    buildClaim(e.facts, e.patient, FACILITY, catalogMap, sign, new Date());

  // The pipeline, end to end.
  const envelopes: string[] = [];
  let invalid = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (const e of episodes) {
    const built = buildClaim(e.facts, e.patient, FACILITY, catalogMap, sign, new Date());
    if (!built.envelopeXml) {
      invalid++;
      if (invalid === 1) console.log('first invalid claim:', JSON.stringify(built.problems.slice(0, 3)));
      continue;
    }
    bytes += Buffer.byteLength(built.envelopeXml);
    envelopes.push(built.envelopeXml);
  }
  const pipelineSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  // Stage: assembly alone (money rules included).
  const t1 = process.hrtime.bigint();
  for (const e of episodes) assembleClaim(e.facts, e.patient, FACILITY, catalogMap);
  const assembleSeconds = Number(process.hrtime.bigint() - t1) / 1e9;

  // References on the same envelopes: XML-DSig alone, and the bare RSA-SHA256 floor.
  const unsigned = envelopes.map((x) => x.replace(/<CHUKYDONVI>[\s\S]*<\/CHUKYDONVI>/, '<CHUKYDONVI/>'));
  const t2 = process.hrtime.bigint();
  for (const x of unsigned) sign(x);
  const dsigSeconds = Number(process.hrtime.bigint() - t2) / 1e9;
  const t3 = process.hrtime.bigint();
  for (const x of unsigned) createSign('RSA-SHA256').update(x).sign(key.privateKeyPem);
  const rsaSeconds = Number(process.hrtime.bigint() - t3) / 1e9;

  // Correctness: a sample verifies.
  const sample = envelopes.filter((_, i) => i % 50 === 0);
  const verified = sample.filter(
    (x) => verifyEnveloped(x, { trustedCertificatesPem: [key.certificatePem] }).ok,
  ).length;

  const n = episodes.length;
  const result = {
    bench: 'claims-day',
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    episodes: n,
    ledgerLines: lines,
    signedClaims: envelopes.length,
    invalidClaims: invalid,
    averageEnvelopeKiB: +(bytes / Math.max(1, envelopes.length) / 1024).toFixed(1),
    pipeline: { seconds: +pipelineSeconds.toFixed(2), claimsPerSecond: Math.round(n / pipelineSeconds) },
    stages: {
      assembleSeconds: +assembleSeconds.toFixed(2),
      xmlDsigSignSeconds: +dsigSeconds.toFixed(2),
      otherSeconds: +(pipelineSeconds - assembleSeconds - dsigSeconds).toFixed(2),
    },
    reference: {
      rsaSha256OnlySeconds: +rsaSeconds.toFixed(2),
      rsaSha256PerSecond: Math.round(envelopes.length / rsaSeconds),
    },
    sampleVerified: `${verified}/${sample.length}`,
    targetSeconds: TARGET_SECONDS,
    meetsTarget: pipelineSeconds < TARGET_SECONDS,
  };
  console.log(
    `pipeline: ${result.pipeline.seconds} s for the day = ${result.pipeline.claimsPerSecond} claims/s ` +
      `(target: the day in < ${TARGET_SECONDS} s: ${result.meetsTarget ? 'met' : 'NOT met'})`,
  );
  console.log(
    `stages: assemble ${result.stages.assembleSeconds} s, XML-DSig ${result.stages.xmlDsigSignSeconds} s, ` +
      `checks + write + envelope ${result.stages.otherSeconds} s`,
  );
  console.log(
    `reference: bare RSA-SHA256 over the same envelopes ${result.reference.rsaSha256OnlySeconds} s ` +
      `(${result.reference.rsaSha256PerSecond}/s); envelope ${result.averageEnvelopeKiB} KiB on average`,
  );
  console.log(`signed ${envelopes.length}, invalid ${invalid}, sample verified ${result.sampleVerified}`);
  if (opts.out) {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
  }
  return invalid === 0 && verified === sample.length ? 0 : 1;
}

// Exit code for the CLI: 0 when the run completed with every claim signed and the sample verified.
process.exitCode = main();

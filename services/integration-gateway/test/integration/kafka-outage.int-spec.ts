import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { AnalyzerResultsReportedSchema, Topics } from '@hosp/contracts';
import type { BootedService } from '@hosp/service-testing';
import { freePortBlock, KafkaCluster } from '@hosp/testing';
import { MllpClient } from '@hosp/standards-hl7v2-mllp';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  ackField,
  analyzerConnection,
  api,
  bootGateway,
  eventually,
  readEvents,
} from './support/gateway-fixture';

/**
 * The issue's fault: Kafka stops during a burst of results. The gateway must stop answering AA (it answers AR
 * with error 207, so the analyzer resends later), and after the broker is back every message it DID accept
 * reaches Kafka once in effect (one event id per message; consumers' inboxes drop any redelivered record),
 * and nothing it refused does. Runs its own broker so stopping it disturbs no other test.
 */
describe('gateway: Kafka stopped during a burst of results', () => {
  let cluster: KafkaCluster;
  let booted: BootedService;

  beforeAll(async () => {
    cluster = new KafkaCluster({
      dir: mkdtempSync(join(tmpdir(), 'hosp-kafka-gw-outage-')),
      brokers: 1,
      basePort: await freePortBlock(2),
      heapMb: 384,
    });
    await cluster.start();
    booted = await bootGateway({ kafkaBrokers: cluster.bootstrapServers });
  }, 180_000);
  afterAll(async () => {
    await booted?.close();
    await cluster?.destroy();
  }, 60_000);

  it('refuses while the broker is down and delivers every accepted message once it is back', async () => {
    const call = api(booted);
    const conn = await analyzerConnection(call);
    const client = new MllpClient({ host: '127.0.0.1', port: conn.port, responseTimeoutMs: 15_000 });
    const accepted: string[] = [];
    const refused: string[] = [];
    let n = 0;
    const sendOne = async () => {
      const id = `B${String(++n).padStart(5, '0')}`;
      const ack = (
        await client.send(
          `MSH|^~\\&|BC-5380|Mindray|||20240315091502||ORU^R01|${id}|P|2.3.1\rPID|1||BN1\rOBR|1||S-${id}\rOBX|1|NM|718-7^HGB||${100 + (n % 50)}|g/L|||||F`,
        )
      ).toString();
      const code = ackField(ack, 'MSA', 1);
      if (code === 'AA') accepted.push(id);
      else if (code === 'AR' && ack.includes('207')) refused.push(id);
      else throw new Error(`unexpected answer ${ack}`);
    };
    try {
      for (let i = 0; i < 50; i++) await sendOne();
      await cluster.stopNode(1, 'SIGKILL');
      // Keep sending through the outage until the gateway has noticed and refused a good number.
      const deadline = Date.now() + 30_000;
      while (refused.length < 20 && Date.now() < deadline) await sendOne();
      expect(refused.length).toBeGreaterThanOrEqual(20);
      await cluster.startNode(1);
      // Back: the gateway accepts again (its probe reopens the gate).
      await eventually(
        async () => {
          const before = accepted.length;
          await sendOne();
          return accepted.length > before ? true : undefined;
        },
        'AA again after the broker restarted',
        60_000,
      );
    } finally {
      await client.close();
    }

    // Straight from the store: the burst is larger than one page of the search API.
    const db = new Client({ connectionString: booted.ctx.databaseUrl });
    await db.connect();
    const byStatus = async (status: string) =>
      (
        await db.query<{ control_id: string }>(
          `SELECT control_id FROM gw_message WHERE connection_id = $1 AND status = $2 ORDER BY control_id`,
          [conn.id, status],
        )
      ).rows.map((r) => r.control_id);
    try {
      expect(await byStatus('accepted')).toEqual([...accepted].sort());
      expect(await byStatus('refused')).toEqual([...refused].sort());
    } finally {
      await db.end();
    }

    const events = await readEvents(
      booted,
      Topics.GatewayAnalyzerResult,
      (es) =>
        new Set(es.map((e) => fromBinary(AnalyzerResultsReportedSchema, e.value).specimenId)).size >=
        accepted.length,
      90_000,
      new Kafka({ clientId: 'reader', brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }),
    );
    const idsBySpecimen = new Map<string, Set<string>>();
    for (const e of events) {
      const specimen = fromBinary(AnalyzerResultsReportedSchema, e.value).specimenId;
      idsBySpecimen.set(specimen, (idsBySpecimen.get(specimen) ?? new Set()).add(e.headers['ce_id']));
    }
    expect([...idsBySpecimen.keys()].sort()).toEqual(accepted.map((id) => `S-${id}`).sort());
    expect([...idsBySpecimen.values()].every((ids) => ids.size === 1)).toBe(true);
  }, 240_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@hosp/contracts';
import { freePortBlock, type IsolatedContext, KafkaCluster } from '@hosp/testing';
import type { DataSource } from 'typeorm';
import { headerValue } from '../../src/envelope/cloud-event-headers';
import { createKafka } from '../../src/kafka-settings';
import { OutboxRelay } from '../../src/outbox/outbox-relay';
import { OutboxWriter } from '../../src/outbox/outbox-writer';
import { openBackbone, waitFor, writeEvents } from './support/backbone-fixture';

/**
 * Issue "platform foundation", check 3: the Kafka broker stops while producers keep writing, then comes back:
 * every event written to the outbox reaches Kafka. Runs its own broker so stopping it disturbs no other test.
 */
describe('Kafka broker stopped while producers keep writing', () => {
  let ctx: IsolatedContext;
  let ds: DataSource;
  let cluster: KafkaCluster;

  beforeAll(async () => {
    // Own broker on its own ports (two tests running at once pick different ones).
    const basePort = await freePortBlock(2);
    cluster = new KafkaCluster({
      dir: mkdtempSync(join(tmpdir(), 'hosp-kafka-outage-')),
      brokers: 1,
      basePort,
      heapMb: 384,
    });
    await cluster.start();
    ({ ctx, ds } = await openBackbone(cluster.bootstrapServers));
  });

  afterAll(async () => {
    await ds?.destroy();
    await ctx?.cleanup();
    await cluster?.destroy();
  });

  it('loses nothing written to the outbox during the outage', async () => {
    const settings = ctx.kafkaSettings('his');
    const kafka = createKafka(settings, {
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      connectionTimeout: 1_000,
    });
    const relay = new OutboxRelay({
      dataSource: ds,
      databaseUrl: ctx.databaseUrl,
      kafka,
      topicPrefix: ctx.topicPrefix,
      pollIntervalMs: 100,
      maxBackoffMs: 1_000,
    });
    relay.start();
    const writer = new OutboxWriter(settings);
    const written: string[] = [];
    let writing = true;
    const producerLoop = (async () => {
      let seq = 0;
      while (writing) {
        seq++;
        written.push(
          ...(await writeEvents(ds, writer, [
            { patientId: `O${seq % 7}`, seq },
            { patientId: `O${(seq + 3) % 7}`, seq },
          ])),
        );
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await waitFor(
      'some events published',
      async () => written.length,
      (n) => n >= 200,
    );
    await cluster.stopNode(1, 'SIGKILL');
    const atStop = written.length;
    // The service keeps accepting work while Kafka is down: writes go on, rows pile up in the outbox.
    await waitFor(
      'writes continue during the outage',
      async () => written.length,
      (n) => n >= atStop + 300,
      60_000,
    );
    const pending = (await ds.query('SELECT count(*)::int AS n FROM platform_outbox'))[0].n;
    expect(pending).toBeGreaterThan(0);
    await cluster.startNode(1);
    await waitFor(
      'writes continue after the restart',
      async () => written.length,
      (n) => n >= atStop + 500,
      60_000,
    );
    writing = false;
    await producerLoop;
    await waitFor(
      'outbox drained',
      async () => (await ds.query('SELECT count(*)::int AS n FROM platform_outbox'))[0].n,
      (n) => n === 0,
      120_000,
    );
    await relay.stop();

    // Read the topic back from the beginning: every event id written must be there.
    const seen = new Set<string>();
    const consumer = createKafka(settings).consumer({ groupId: `${ctx.topicPrefix}outage-check` });
    await consumer.connect();
    await consumer.subscribe({ topic: ctx.topicPrefix + Topics.HisPatient.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.add(headerValue(message.headers, 'ce_id')!),
    });
    await waitFor(
      'all written events read back',
      async () => seen.size,
      (n) => n >= written.length,
      60_000,
    );
    await consumer.disconnect();
    const missing = written.filter((id) => !seen.has(id));
    expect(missing).toEqual([]);
    expect(seen.size).toBe(written.length);
  });
});

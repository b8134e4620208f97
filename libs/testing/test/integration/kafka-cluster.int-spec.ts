import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaCluster } from '../../src/stack/kafka-cluster';
import { freePortBlock } from '../../src/stack/process-util';

/**
 * The three-broker mode that fault tests build on: replication factor 3 and min.insync.replicas 2, so an
 * acknowledged write (acks=all) survives one broker's loss, and writes stop rather than rest on one copy.
 */
describe('three-broker Kafka cluster (RF 3, min.insync.replicas 2)', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  const topic = `cluster-check-${Date.now()}`;

  beforeAll(async () => {
    const basePort = await freePortBlock(6);
    cluster = new KafkaCluster({
      dir: mkdtempSync(join(tmpdir(), 'hosp-kafka-cluster-')),
      brokers: 3,
      basePort,
      heapMb: 320,
    });
    await cluster.start();
    kafka = new Kafka({
      clientId: 'cluster-check',
      brokers: cluster.bootstrapServers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 3_000 },
    });
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  /**
   * One idempotent producer per write, retrying through the connection resets a killed broker causes (the
   * broker deduplicates its retries, so a write still lands once).
   */
  async function send(value: string, { timeout = 5_000, retries = 8 } = {}): Promise<void> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries, initialRetryTime: 300, maxRetryTime: 3_000 },
    });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, timeout, messages: [{ key: 'k', value }] });
    } finally {
      await producer.disconnect();
    }
  }

  async function waitForBrokers(n: number): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (let i = 0; i < 150; i++) {
        if ((await admin.describeCluster()).brokers.length === n) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`cluster did not settle at ${n} brokers`);
    } finally {
      await admin.disconnect();
    }
  }

  /** Until the restarted followers have caught up and rejoined the partition's in-sync set. */
  async function waitForInSyncReplicas(n: number): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (let i = 0; i < 300; i++) {
        const meta = await admin.fetchTopicMetadata({ topics: [topic] });
        if (meta.topics[0].partitions[0].isr.length === n) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`in-sync replicas did not reach ${n}`);
    } finally {
      await admin.disconnect();
    }
  }

  it('forms one cluster of three brokers with a controller quorum', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const c = await admin.describeCluster();
      expect(c.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      expect(c.controller).not.toBeNull();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0].partitions[0].replicas).toHaveLength(3);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas'] }],
      });
      expect(configs.resources[0].configEntries[0].configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps accepting acks=all writes with one broker down, and refuses them with two down', async () => {
    await send('all three up');
    const admin = kafka.admin();
    await admin.connect();
    const leader = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions[0].leader;
    await admin.disconnect();
    const others = [1, 2, 3].filter((id) => id !== leader);
    await cluster.stopNode(others[0], 'SIGKILL');
    // Clients learn of the loss when the controller fences the broker (broker.session.timeout.ms); until then
    // metadata still names it and a new producer may pick it for its first request.
    await waitForBrokers(2);
    await send('one broker down');
    await cluster.stopNode(others[1], 'SIGKILL');
    // Only the leader is left: the write cannot reach min.insync.replicas (2) copies, so the producer is told
    // it failed (NOT_ENOUGH_REPLICAS, or a timeout while the in-sync set is still shrinking). Such a write is
    // "not acknowledged", not "not written": the leader may already hold it and replicate it later.
    await expect(send('two brokers down', { timeout: 3_000, retries: 1 })).rejects.toThrow();
    await cluster.startNode(others[0]);
    await cluster.startNode(others[1]);
    await waitForBrokers(3);
    await waitForInSyncReplicas(3);
    await send('back to three');
    const consumer = kafka.consumer({ groupId: `${topic}-reader` });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    for (let i = 0; i < 150 && !seen.includes('back to three'); i++)
      await new Promise((r) => setTimeout(r, 200));
    await consumer.disconnect();
    // Every acknowledged write survived, once each (idempotent producer), in order.
    expect(seen.filter((v) => v !== 'two brokers down')).toEqual([
      'all three up',
      'one broker down',
      'back to three',
    ]);
  });
});

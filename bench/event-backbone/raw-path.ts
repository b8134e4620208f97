import { performance } from 'node:perf_hooks';
import { Topics } from '@hosp/contracts';
import { CeHeader, ensureTopics, headerValue } from '@hosp/platform-kafka';
import { type IsolatedContext, readStackState } from '@hosp/testing';
import type { Message } from 'kafkajs';
import type { BenchConfig } from './config';
import {
  benchKafka,
  brokerPids,
  type CpuUse,
  cpuMeter,
  type LatencySummary,
  Pacer,
  rawRecord,
  round,
  summarize,
  type Teardown,
  waitUntil,
} from './workload';

export interface RawResult {
  path: 'raw kafkajs';
  topic: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Produce only: first send to the last acknowledged batch. */
  produceEventsPerSecond: number;
  latency: LatencySummary;
  cpu: CpuUse;
  recordValueBytes: number;
  recordHeaderBytes: number;
  duplicatesSeen: number;
}

/**
 * The reference: kafkajs alone on the same broker. One producer configured like the OutboxRelay's
 * (idempotent, one request in flight, acks=-1, sendBatch of `relayBatchSize` records, one batch at a time)
 * sends the platform's own records (same protobuf payload and CloudEvents headers, keyed by patient id) to a
 * topic created from the same catalogue entry (6 partitions); one consumer group reads them with a no-op
 * eachBatch. Latency is send call -> batch handed to eachBatch, per record. The records are built before
 * the clock starts, so this is the broker + kafkajs ceiling, not flattered by the cost of building events
 * (which the platform's writers do pay, inside their transactions).
 */
export async function runRawPath(
  ctx: IsolatedContext,
  cfg: BenchConfig,
  teardown: Teardown,
  deadline: number,
  signal: AbortSignal,
): Promise<RawResult> {
  const kafka = benchKafka(ctx, 'bench-raw');
  const prefix = `${ctx.topicPrefix}raw.`;
  const topic = prefix + Topics.HisPatient.name;
  await ensureTopics(kafka, [Topics.HisPatient], prefix);

  const build = (from: number, to: number) => {
    const out: Array<{ id: string; message: Message }> = [];
    for (let i = from; i < to; i++) {
      const r = rawRecord(i, cfg.patients);
      out.push({ id: r.id, message: { key: r.key, value: r.value, headers: r.headers } });
    }
    return out;
  };
  const warm = build(0, cfg.warmup);
  const measured = build(cfg.warmup, cfg.warmup + cfg.events);
  const warmIds = new Set(warm.map((r) => r.id));

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let warmConsumed = 0;
  let consumed = 0;
  let duplicates = 0;
  let lastConsumedAt = 0;

  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
  teardown.add('raw producer disconnect', () => producer.disconnect());
  await producer.connect();

  const consumer = kafka.consumer({
    groupId: `${prefix}bench.raw`,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
  });
  teardown.add('raw consumer disconnect', () => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const m of batch.messages) {
        const id = headerValue(m.headers, CeHeader.id) ?? '';
        const sent = sentAt.get(id);
        if (sent !== undefined) {
          sentAt.delete(id);
          latencies.push(now - sent);
          consumed++;
          lastConsumedAt = now;
        } else if (warmIds.delete(id)) warmConsumed++;
        else duplicates++;
      }
    },
  });

  // Flat out: batches of the relay's size. At a fixed rate: batches of one writer transaction, on schedule.
  const batchSize = cfg.rate ? Math.min(cfg.relayBatchSize, cfg.eventsPerTransaction) : cfg.relayBatchSize;
  const pacer = new Pacer(cfg.rate);
  const send = async (records: Array<{ id: string; message: Message }>, measure: boolean) => {
    for (let i = 0; i < records.length; i += batchSize) {
      if (signal.aborted) return;
      if (measure) await pacer.before(i);
      const batch = records.slice(i, i + batchSize);
      const now = performance.now();
      if (measure) for (const r of batch) sentAt.set(r.id, now);
      await producer.sendBatch({
        topicMessages: [{ topic, messages: batch.map((r) => r.message) }],
        acks: -1,
      });
    }
  };

  await send(warm, false);
  await waitUntil('raw warm-up consumed', () => warmConsumed >= warm.length, deadline, signal);

  const cpu = await cpuMeter(brokerPids(readStackState()?.kafka.dir));
  const t0 = performance.now();
  pacer.start();
  await send(measured, true);
  const producedAt = performance.now();
  await waitUntil(
    'raw events consumed',
    () => consumed >= measured.length,
    deadline,
    signal,
    () => `${consumed}/${measured.length}`,
  );

  const cpuUse = await cpu();
  const seconds = (lastConsumedAt - t0) / 1000;
  const sample = measured[0].message;
  return {
    path: 'raw kafkajs',
    topic,
    events: consumed,
    seconds: round(seconds, 3),
    eventsPerSecond: round(consumed / seconds, 0),
    produceEventsPerSecond: round(measured.length / ((producedAt - t0) / 1000), 0),
    latency: summarize(latencies),
    cpu: cpuUse,
    recordValueBytes: (sample.value as Buffer).length,
    recordHeaderBytes: Object.entries(sample.headers ?? {}).reduce(
      (s, [k, v]) => s + k.length + String(v).length,
      0,
    ),
    duplicatesSeen: duplicates,
  };
}

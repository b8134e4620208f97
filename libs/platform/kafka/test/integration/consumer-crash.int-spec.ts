import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Topics } from '@hosp/contracts';
import { type IsolatedContext, workspaceRoot } from '@hosp/testing';
import type { DataSource } from 'typeorm';
import { OutboxWriter } from '../../src/outbox/outbox-writer';
import {
  appliedCount,
  appliedOrder,
  groupLag,
  openBackbone,
  publishOutbox,
  waitFor,
  writeEvents,
} from './support/backbone-fixture';

/**
 * Issue "platform foundation", check 2: a consumer process killed with SIGKILL in the middle of its batches,
 * twice, and restarted: every event applied exactly once, none lost, each patient still in order.
 */
describe('consumer killed mid-batch (SIGKILL) and restarted', () => {
  let ctx: IsolatedContext;
  let ds: DataSource;
  let worker: ChildProcess | undefined;
  const groupId = 'test.crash';

  beforeAll(async () => {
    ({ ctx, ds } = await openBackbone());
  });

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await ds?.destroy();
    await ctx?.cleanup();
  });

  function startWorker(): ChildProcess {
    const root = workspaceRoot();
    // `node --import tsx` (not the tsx CLI, which forks a second process) so the pid we SIGKILL is the consumer.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'support/consumer-worker.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'),
          DATABASE_URL: ctx.databaseUrl,
          KAFKA_BROKERS: ctx.stack.brokers.join(','),
          KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
          GROUP_ID: groupId,
          DELAY_MS: '2',
          CHUNK: '40',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return child;
  }

  async function killWhenApplied(child: ChildProcess, atLeast: number): Promise<void> {
    await waitFor(
      `${atLeast} applied before kill`,
      () => appliedCount(ds),
      (n) => n >= atLeast,
      120_000,
    );
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }

  it('applies every event exactly once across two crashes', async () => {
    const patients = Array.from({ length: 12 }, (_, i) => `K${i}`);
    const perPatient = 150;
    const writer = new OutboxWriter(ctx.kafkaSettings('his'));
    for (let seq = 1; seq <= perPatient; seq++)
      await writeEvents(
        ds,
        writer,
        patients.map((patientId) => ({ patientId, seq })),
      );
    const total = patients.length * perPatient;
    expect(await publishOutbox(ctx, ds)).toBe(total);

    worker = startWorker();
    await killWhenApplied(worker, 300);
    const killedPid = worker.pid!;
    expect(() => process.kill(killedPid, 0)).toThrow();
    const afterFirstKill = await appliedCount(ds);
    worker = startWorker();
    await killWhenApplied(worker, afterFirstKill + 500);
    worker = startWorker();
    await waitFor(
      'all applied after restarts',
      () => appliedCount(ds),
      (n) => n >= total,
      180_000,
    );
    await waitFor(
      'offsets committed',
      () => groupLag(ctx.kafka(), ctx.topicPrefix + groupId, ctx.topicPrefix + Topics.HisPatient.name),
      (l) => l === 0,
    );
    worker.kill('SIGTERM');

    expect(await appliedCount(ds)).toBe(total);
    const distinct = await ds.query(
      `SELECT count(DISTINCT event_id)::int AS n, count(DISTINCT pid)::int AS pids FROM effect_log`,
    );
    expect(distinct[0].n).toBe(total);
    expect(distinct[0].pids).toBe(3);
    const order = await appliedOrder(ds);
    for (const p of patients)
      expect(order.get(p)).toEqual(Array.from({ length: perPatient }, (_, i) => i + 1));
  });
});

import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Keeps the message store's daily partitions: creates today's and the next `aheadDays`, drops those older
 * than the retention (GATEWAY_RETENTION_DAYS, default 90), and prunes the duplicate-detection keys with them.
 * Dropping a partition is instant and leaves no dead rows, which is why the store is partitioned at all.
 * Runs at startup and then every hour; every step is idempotent, so several replicas may run it.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('PartitionMaintenance');
  private timer?: NodeJS.Timeout;
  readonly retentionDays = Number(process.env['GATEWAY_RETENTION_DAYS'] ?? 90);
  readonly aheadDays = 7;
  private resolveReady!: () => void;
  /** Settles once today's partition exists: listeners wait for it before accepting messages. */
  readonly ready = new Promise<void>((r) => (this.resolveReady = r));

  constructor(private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
    this.resolveReady();
    this.timer = setInterval(
      () => void this.run().catch((err) => this.log.warn({ err }, 'maintenance failed')),
      3_600_000,
    );
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async run(now = new Date()): Promise<{ created: string[]; dropped: string[] }> {
    const created: string[] = [];
    const dropped: string[] = [];
    const day = (offset: number) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset));
      return d;
    };
    // One lock for the whole pass: two replicas must not race on CREATE/DROP of the same partition.
    await this.db.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('gw_message_partitions'))`);
      for (let i = -1; i <= this.aheadDays; i++) {
        const from = day(i);
        const to = day(i + 1);
        const name = partitionName(from);
        const exists = await m.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [name]);
        if (exists.length) continue;
        await m.query(
          `CREATE TABLE ${name} PARTITION OF gw_message FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
        created.push(name);
      }
      const cutoff = day(-this.retentionDays);
      const parts: Array<{ name: string }> = await m.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'gw_message'`,
      );
      for (const { name } of parts) {
        const start = dateOfPartition(name);
        if (start && start < cutoff) {
          await m.query(`DROP TABLE ${name}`);
          dropped.push(name);
        }
      }
      await m.query(`DELETE FROM gw_message_key WHERE received_at < $1`, [cutoff]);
    });
    if (created.length || dropped.length)
      this.log.log(`partitions created ${created.join(', ') || '-'}; dropped ${dropped.join(', ') || '-'}`);
    return { created, dropped };
  }
}

export function partitionName(day: Date): string {
  return `gw_message_${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

function dateOfPartition(name: string): Date | undefined {
  const m = /^gw_message_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
}

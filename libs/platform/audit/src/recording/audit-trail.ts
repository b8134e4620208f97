import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { auditMetrics } from '../metrics';
import {
  type AuditRecord,
  type AuditRecordInput,
  type ChainedAuditRecord,
  normalizeRecord,
} from '../model/audit-record';
import { appendRecords } from '../store/audit-store';

/** Records per append transaction: a burst of requests shares one lock, one head read and one commit. */
const MAX_BATCH = 500;
/** Records kept in memory while the database does not answer; beyond it each record is logged and counted. */
const MAX_QUEUED = 50_000;
const MAX_BACKOFF_MS = 5_000;
/** How long shutdown waits for the queue to reach the database. */
const SHUTDOWN_FLUSH_MS = 5_000;

/**
 * The audit trail of this service: `record()` queues a record and returns at once; a single writer appends
 * queued records to the hash chain in short transactions of their own, outside the business transaction,
 * batching whatever accumulated while the previous append ran (group commit).
 *
 * Nothing is dropped silently. A failed append is retried with backoff (the database may be restarting);
 * a record the database refuses for its content, or one that does not fit the queue while the database is
 * down, is written to the error log in full and counted in `hosp_audit_lost_total` (alert on it).
 *
 * Callers outside HTTP (the authentication guard for refused tokens, a consumer acting for a user) call
 * `record()` directly; HTTP requests to controllers are recorded by the AuditInterceptor.
 */
@Injectable()
export class AuditTrail implements BeforeApplicationShutdown {
  private readonly log = new Logger('AuditTrail');
  private queue: AuditRecord[] = [];
  private writing?: Promise<void>;
  private readonly listeners: Array<(records: readonly ChainedAuditRecord[]) => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  /** Queues one record for the chain. Never throws, never waits for the database. */
  record(input: AuditRecordInput): void {
    let record: AuditRecord;
    try {
      record = normalizeRecord(input);
    } catch (err) {
      this.lose([input], 'invalid', err);
      return;
    }
    if (this.queue.length >= MAX_QUEUED) {
      this.lose([record], 'queue_full');
      return;
    }
    this.queue.push(record);
    auditMetrics.queued().set(this.queue.length);
    this.schedule();
  }

  /** Resolves once every record queued before the call is in the database (or reported lost). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Called with the records of every successful append (the syslog sender wakes on it). */
  onAppended(listener: (records: readonly ChainedAuditRecord[]) => void): void {
    this.listeners.push(listener);
  }

  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), SHUTDOWN_FLUSH_MS);
    });
    const outcome = await Promise.race([this.flush().then(() => 'flushed' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout' && this.queue.length > 0) {
      const left = this.queue.splice(0);
      auditMetrics.queued().set(0);
      this.lose(left, 'shutdown');
    }
  }

  private schedule(): void {
    if (this.writing) return;
    // setImmediate: records of requests finishing in the same turn of the event loop share the first append.
    this.writing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.writeQueued())
      .finally(() => {
        this.writing = undefined;
        // A record queued between the last append and this callback must not wait for the next request.
        if (this.queue.length > 0) this.schedule();
      });
  }

  private async writeQueued(): Promise<void> {
    let backoff = 100;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, MAX_BATCH);
      const started = process.hrtime.bigint();
      try {
        const stored = await appendRecords(this.dataSource, batch);
        this.queue.splice(0, batch.length);
        auditMetrics.appendSeconds().observe(Number(process.hrtime.bigint() - started) / 1e9);
        auditMetrics.batchSize().observe(batch.length);
        auditMetrics.written().inc(batch.length);
        auditMetrics.queued().set(this.queue.length);
        backoff = 100;
        for (const l of this.listeners) l(stored);
      } catch (err) {
        auditMetrics.writeFailures().inc();
        if (isContentError(err)) {
          // One record the database refuses must not hold back the others: write them one by one and
          // report the refused ones.
          this.queue.splice(0, batch.length);
          await this.writeOneByOne(batch);
          continue;
        }
        if (!this.dataSource.isInitialized) {
          // The pool is closed (shutdown): no later attempt can succeed.
          this.lose(this.queue.splice(0), 'database_closed', err);
          auditMetrics.queued().set(0);
          return;
        }
        this.log.warn(
          `audit append failed (${(err as Error).message}); ${this.queue.length} records kept, retry in ${backoff} ms`,
        );
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async writeOneByOne(batch: readonly AuditRecord[]): Promise<void> {
    for (const r of batch) {
      try {
        const stored = await appendRecords(this.dataSource, [r]);
        auditMetrics.written().inc();
        for (const l of this.listeners) l(stored);
      } catch (err) {
        this.lose([r], 'refused', err);
      }
    }
    auditMetrics.queued().set(this.queue.length);
  }

  /** The last resort: the record goes to the error log in full, and the loss is counted. */
  private lose(records: readonly unknown[], reason: string, err?: unknown): void {
    auditMetrics.lost().inc({ reason }, records.length);
    for (const r of records)
      this.log.error({ auditRecord: r, reason, err }, 'audit record not stored: kept in this log line only');
  }
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): retrying the same rows cannot help. */
function isContentError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

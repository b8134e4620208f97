import { Logger } from '@nestjs/common';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import type { DataSource } from 'typeorm';
import { auditMetrics } from '../metrics';
import { recordsAfter } from '../store/audit-store';
import { atnaSyslogFrame } from './atna-syslog';
import type { AuditSource } from './fhir-audit-event';
import type { SyslogSettings } from './syslog-settings';

export interface SyslogSenderOptions {
  dataSource: DataSource;
  settings: SyslogSettings;
  source: AuditSource;
  batchSize?: number;
  /** How often to look for new records when no append wakes the sender. */
  pollIntervalMs?: number;
  maxBackoffMs?: number;
  /** Messages written this long before a connection broke are sent again on the next one. */
  replayWindowMs?: number;
  connectTimeoutMs?: number;
  sendTimeoutMs?: number;
}

/** The row of platform_audit_export this sender moves. */
const SINK = 'syslog';

/**
 * Sends the audit trail to an ATNA Audit Record Repository over syslog/TLS (RFC 5424 + RFC 5425), in seq
 * order, from a cursor stored in the service's database (`platform_audit_export`): a collector that is down
 * or unreachable delays messages, it does not lose them, and a restarted service continues where it stopped.
 *
 * RFC 5425 has no acknowledgement: a write the kernel accepted may still die with the connection. So the
 * cursor moves once a batch is written, and when a connection breaks the messages written on it during the
 * last `replayWindowMs` are sent again on the next one (at least once; the structured data carries each
 * record's seq and hash for the collector to drop duplicates).
 *
 * Replicas of a service share the cursor: a pass locks its row (`FOR UPDATE SKIP LOCKED`), so one replica
 * sends at a time and the others skip. Reading past a cursor is safe here (unlike the outbox) because seq
 * is assigned under the append lock: commit order is seq order.
 */
export class SyslogSender {
  private readonly log = new Logger('AuditSyslog');
  private socket?: TLSSocket;
  private stopped = true;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private recent: Array<{ seq: bigint; at: number }> = [];
  private rewindTo?: bigint;

  constructor(private readonly opts: SyslogSenderOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    // RFC 5425 §4.4: close with a TLS close_notify, not a reset.
    this.socket?.end();
    this.socket = undefined;
  }

  /** New records were appended: send them now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const maxBackoff = this.opts.maxBackoffMs ?? 10_000;
    let backoff = 250;
    let cursorReady = false;
    while (!this.stopped) {
      try {
        if (!cursorReady) {
          await this.opts.dataSource.query(
            `INSERT INTO platform_audit_export (sink) VALUES ($1) ON CONFLICT DO NOTHING`,
            [SINK],
          );
          cursorReady = true;
        }
        this.woken = false;
        const sent = await this.pass();
        backoff = 250;
        if (sent === 0 && !this.woken) await this.sleep(this.opts.pollIntervalMs ?? 1_000);
      } catch (err) {
        if (this.stopped) break;
        auditMetrics.syslogErrors().inc();
        this.log.warn(
          `ATNA syslog to ${this.opts.settings.host}:${this.opts.settings.port} failed (${(err as Error).message}); ` +
            `records stay queued in platform_audit, retry in ${backoff} ms`,
        );
        this.socket?.destroy();
        // Not cut short by new appends (only by stop): a collector that is down must not be hammered.
        await this.sleep(backoff, false);
        backoff = Math.min(backoff * 2, maxBackoff);
      }
    }
  }

  /** Sends one batch after the cursor; returns how many records it sent. */
  private async pass(): Promise<number> {
    const ds = this.opts.dataSource;
    const [state]: Array<{ head: string; cursor: string | null }> = await ds.query(
      `SELECT (SELECT coalesce(max(seq), 0) FROM platform_audit) AS head,
              (SELECT last_seq FROM platform_audit_export WHERE sink = $1) AS cursor`,
      [SINK],
    );
    const head = BigInt(state.head);
    const cursor = BigInt(state.cursor ?? 0);
    auditMetrics.syslogLag().set(Number(head - cursor));
    const from = this.rewindTo !== undefined && this.rewindTo < cursor ? this.rewindTo : cursor;
    if (head <= from) {
      this.rewindTo = undefined;
      return 0;
    }
    // Connect before taking the cursor lock: a slow handshake must not hold a transaction open.
    const socket = await this.connection();
    return ds.transaction(async (m) => {
      const locked: Array<{ last_seq: string }> = await m.query(
        `SELECT last_seq FROM platform_audit_export WHERE sink = $1 FOR UPDATE SKIP LOCKED`,
        [SINK],
      );
      if (locked.length === 0) return 0; // another replica is sending
      const records = await recordsAfter(m, String(from), this.opts.batchSize ?? 200);
      if (records.length === 0) return 0;
      const { source, settings } = this.opts;
      await writeAll(
        socket,
        Buffer.concat(records.map((r) => atnaSyslogFrame(r, source, settings.sdId))),
        this.opts.sendTimeoutMs ?? 10_000,
      );
      const at = Date.now();
      for (const r of records) this.recent.push({ seq: BigInt(r.seq), at });
      this.forgetBefore(at - (this.opts.replayWindowMs ?? 5_000));
      const last = BigInt(records[records.length - 1].seq);
      this.rewindTo = this.rewindTo !== undefined && last < cursor ? last : undefined;
      await m.query(
        `UPDATE platform_audit_export SET last_seq = GREATEST(last_seq, $2), updated_at = now() WHERE sink = $1`,
        [SINK, String(last)],
      );
      auditMetrics.syslogSent().inc(records.length);
      auditMetrics.syslogLag().set(Number(head > last ? head - last : 0n));
      return records.length;
    });
  }

  private connection(): Promise<TLSSocket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    const { host, port, ca, cert, key } = this.opts.settings;
    return new Promise((resolve, reject) => {
      // Mutual TLS (RFC 5425 §5.1, IHE ATNA node authentication): the collector's certificate is checked
      // against `ca` and the host name; ours is presented when configured.
      const s = connect({
        host,
        port,
        ca,
        cert,
        key,
        servername: isIP(host) ? undefined : host,
        minVersion: 'TLSv1.2',
      });
      const timer = setTimeout(
        () => s.destroy(new Error('TLS handshake timed out')),
        this.opts.connectTimeoutMs ?? 10_000,
      );
      const onError = (err: Error) => {
        clearTimeout(timer);
        s.destroy();
        reject(err);
      };
      s.once('error', onError);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.off('error', onError);
        this.attach(s);
        resolve(s);
      });
    });
  }

  private attach(s: TLSSocket): void {
    this.socket = s;
    this.recent = [];
    s.setKeepAlive(true, 30_000);
    // The collector sends nothing (RFC 5425 is one-way); read anyway so its close_notify is seen.
    s.resume();
    s.on('error', (err) => this.log.warn(`ATNA syslog connection error: ${err.message}`));
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      // What this connection carried lately may not have reached the collector: send it again.
      this.forgetBefore(Date.now() - (this.opts.replayWindowMs ?? 5_000));
      if (this.recent.length > 0) {
        const first = this.recent[0].seq - 1n;
        this.rewindTo = this.rewindTo === undefined || first < this.rewindTo ? first : this.rewindTo;
      }
      this.recent = [];
      if (!this.stopped) this.wake();
    });
  }

  private forgetBefore(at: number): void {
    let i = 0;
    while (i < this.recent.length && this.recent[i].at < at) i++;
    if (i > 0) this.recent.splice(0, i);
  }

  /** Sleeps `ms`; `stop()` always ends it early, `wake()` only when `wakeable`. */
  private sleep(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = wakeable ? done : () => this.stopped && done();
    });
  }
}

/** Writes one buffer; resolves once the socket has taken it all, rejects if the connection fails first. */
function writeAll(s: TLSSocket, data: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      s.off('error', fail);
      s.off('close', onClose);
    };
    const fail = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => fail(new Error('connection closed while sending'));
    const timer = setTimeout(() => {
      fail(new Error('send timed out'));
      s.destroy();
    }, timeoutMs);
    s.once('error', fail);
    s.once('close', onClose);
    s.write(data, (err) => {
      if (err) fail(err);
      else {
        cleanup();
        resolve();
      }
    });
  });
}

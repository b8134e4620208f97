import { parseHl7 } from '@hosp/standards-hl7v2';
import { MllpClient } from '@hosp/standards-hl7v2-mllp';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectionsService } from '../../connections/application/connections.service';
import { clientTlsOptions } from '../../connections/application/tls-material';
import type { Connection } from '../../connections/domain/connection';
import { OutboundRepository as queue, type OutboundRow } from '../persistence/outbound.repository';

/**
 * GATEWAY_OUTBOUND_MAX_ATTEMPTS (5): after this many failed attempts a message is parked, visible, and
 * requeued by hand once the cause is fixed. GATEWAY_ACK_TIMEOUT_MS (30 s): how long to wait for the ACK.
 * GATEWAY_RETRY_BASE_MS (1 s): the first backoff, doubled per attempt up to a minute.
 */
const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/**
 * Sends each `connect` connection's queue in order over MLLP (one message in flight per connection: HL7
 * original mode, §2.9.2), matches the answer to the message by MSA-2, and records AA/CA as delivered. A NAK
 * (AE/AR/CE/CR), a timeout or a refused connection is retried with capped exponential backoff; after
 * GATEWAY_OUTBOUND_MAX_ATTEMPTS the message is parked. A message behind a waiting head waits too: order is the contract.
 * A `tls` connection is reached over MLLP/TLS: the device's certificate verified against the CA bundle and our
 * node certificate presented (IHE ATNA ITI-19; tls-material.ts).
 */
@Injectable()
export class OutboundSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('OutboundSender');
  private readonly loops = new Map<string, { stop: () => void; done: Promise<void> }>();

  constructor(
    private readonly db: DataSource,
    private readonly connections: ConnectionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.connections.changes.on('changed', (c) => void this.apply(c));
    for (const c of await this.connections.list()) await this.apply(c);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.loops.keys()].map((id) => this.stopLoop(id)));
  }

  private async apply(c: Connection): Promise<void> {
    await this.stopLoop(c.id);
    if (!c.enabled || c.role !== 'connect' || c.protocol !== 'hl7v2') return;
    try {
      this.startLoop(c);
    } catch (err) {
      // Unusable TLS material (a file gone since the connection was saved): its queue waits, visibly.
      this.log.error({ err, connection: c.id }, 'outbound sender not started');
    }
  }

  private async stopLoop(id: string): Promise<void> {
    const loop = this.loops.get(id);
    if (!loop) return;
    this.loops.delete(id);
    loop.stop();
    await loop.done;
  }

  private startLoop(c: Connection): void {
    let stopped = false;
    let wake: (() => void) | undefined;
    const client = new MllpClient({
      host: c.host,
      port: c.port,
      tls: c.tls ? clientTlsOptions(c) : undefined,
      responseTimeoutMs: setting('GATEWAY_ACK_TIMEOUT_MS', 30_000),
      connectTimeoutMs: 5_000,
      reconnect: { attempts: 1 },
    });
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    const done = (async () => {
      while (!stopped) {
        let row: OutboundRow | undefined;
        try {
          row = await queue.head(this.db.manager, c.id);
        } catch (err) {
          this.log.warn({ err, connection: c.id }, 'outbound queue unreadable');
          await sleep(1_000);
          continue;
        }
        if (!row) {
          await sleep(250);
          continue;
        }
        const wait = row.nextAttemptAt.getTime() - Date.now();
        if (wait > 0) {
          await sleep(Math.min(wait, 1_000));
          continue;
        }
        await this.sendOne(client, c, row);
      }
      await client.close().catch(() => undefined);
    })();
    this.loops.set(c.id, {
      stop: () => {
        stopped = true;
        wake?.();
      },
      done,
    });
  }

  private async sendOne(client: MllpClient, c: Connection, row: OutboundRow): Promise<void> {
    let reply: Buffer | null = null;
    let error: string;
    try {
      reply = await client.send(row.raw);
      const ack = parseHl7(reply);
      const code = ack.getSegment('MSA')?.value(1) ?? '';
      const answered = ack.getSegment('MSA')?.value(2) ?? '';
      if (answered !== row.controlId) error = `MSA-2 ${answered} does not match MSH-10 ${row.controlId}`;
      else if (code === 'AA' || code === 'CA') {
        await queue.acked(this.db.manager, row.id, reply);
        return;
      } else error = `${code}: ${ack.get('ERR-3-2') ?? ack.get('MSA-3') ?? 'negative acknowledgment'}`;
    } catch (err) {
      // The cause says why a connection failed (refused, timed out, a certificate that does not verify).
      const cause = (err as Error).cause as { message?: unknown } | undefined;
      error = (err as Error).message + (typeof cause?.message === 'string' ? `: ${cause.message}` : '');
    }
    const attempts = row.attempts + 1;
    const park = attempts >= setting('GATEWAY_OUTBOUND_MAX_ATTEMPTS', 5);
    const backoff = Math.min(setting('GATEWAY_RETRY_BASE_MS', 1_000) * 2 ** (attempts - 1), 60_000);
    this.log.warn(
      { connection: c.id, message: row.id, attempts, park },
      `outbound message not delivered: ${error}`,
    );
    await queue
      .failed(this.db.manager, row.id, error, reply, park, new Date(Date.now() + backoff))
      .catch((err) => this.log.error({ err }, 'could not record the failed attempt'));
  }
}

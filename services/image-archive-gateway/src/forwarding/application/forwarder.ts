import { type RemoteAe, storeObjects } from '@hosp/standards-dicom';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PeersService } from '../../peers/application/peers.service';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { ObjectStore } from '../../storage/persistence/object-store';
import { ForwardRepository as queue, type ForwardRow } from '../persistence/forward.repository';

/** A claimed batch that is still being sent after this long is due again (another replica may take it). */
const LEASE_MS = 5 * 60_000;

/**
 * Forwards stored instances to the downstream PACS (peers with `forward`), by C-STORE, from the durable queue
 * the storage transaction filled: each instance at least once, in the order received, in batches of
 * ARCHIVE_FORWARD_BATCH per association, in the transfer syntax it was received in when the PACS accepts it.
 * A refused association or a failure status is retried with capped exponential backoff (ARCHIVE_FORWARD_RETRY_BASE_MS,
 * doubled up to 5 minutes); after ARCHIVE_FORWARD_MAX_ATTEMPTS the row is parked and shown, and requeued by hand.
 */
@Injectable()
export class Forwarder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('Forwarder');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly db: DataSource,
    private readonly peers: PeersService,
    private readonly store: ObjectStore,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, 500);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async tick(): Promise<void> {
    try {
      const destinations = await queue.dueDestinations(this.db.manager);
      await Promise.all(destinations.map((d) => this.drain(d)));
    } catch (err) {
      this.log.warn({ err }, 'forwarding queue unreadable; retrying');
    }
  }

  private async drain(destination: string): Promise<void> {
    for (;;) {
      const rows = await queue.claim(this.db.manager, destination, this.settings.forward.batchSize, LEASE_MS);
      if (rows.length === 0) return;
      await this.send(destination, rows);
      if (rows.length < this.settings.forward.batchSize) return;
    }
  }

  private async send(destination: string, rows: ForwardRow[]): Promise<void> {
    const peer = await this.peers.destination(destination);
    if (!peer) return this.failAll(rows, `peer ${destination} is disabled or has no address`);
    let target: RemoteAe;
    try {
      target = this.peers.remoteAe(peer); // over TLS when DICOM_TLS_PEERS names the PACS
    } catch (err) {
      return this.failAll(rows, (err as Error).message); // e.g. a TLS file that cannot be read
    }
    const files: Buffer[] = [];
    const sendable: ForwardRow[] = [];
    for (const r of rows) {
      try {
        files.push(await this.store.read(r.sha256));
        sendable.push(r);
      } catch (err) {
        await this.fail(r, `stored file unreadable: ${(err as Error).message}`, null);
      }
    }
    const result = await storeObjects(target, files, {
      callingAeTitle: this.settings.aeTitle,
      responseTimeoutMs: 60_000,
    });
    for (const [i, r] of sendable.entries()) {
      const res = result.results[i];
      // Success and the warnings (B000 coercion, B006 elements discarded, B007 SOP class mismatch) are stored.
      if (res.status !== undefined && (res.status === 0 || (res.status & 0xf000) === 0xb000))
        await queue.sent(this.db.manager, r.id, res.status);
      else
        await this.fail(
          r,
          res.status === undefined
            ? `not sent: ${result.error ?? res.comment ?? 'no response'}`
            : `status 0x${res.status.toString(16).padStart(4, '0')}${res.comment ? `: ${res.comment}` : ''}`,
          res.status ?? null,
        );
    }
    const sent = sendable.filter((_, i) => result.results[i].status !== undefined).length;
    if (result.error || sent < rows.length)
      this.log.warn(
        { destination, batch: rows.length, error: result.error },
        'forwarding incomplete; will retry',
      );
  }

  private async failAll(rows: ForwardRow[], error: string): Promise<void> {
    for (const r of rows) await this.fail(r, error, null);
  }

  private async fail(r: ForwardRow, error: string, status: number | null): Promise<void> {
    const attempts = r.attempts + 1;
    const park = attempts >= this.settings.forward.maxAttempts;
    const backoff = Math.min(this.settings.forward.retryBaseMs * 2 ** (attempts - 1), 300_000);
    await queue
      .failed(this.db.manager, r.id, error, status, park, new Date(Date.now() + backoff))
      .catch((err) => this.log.error({ err, id: r.id }, 'could not record the failed forwarding attempt'));
    if (park) this.log.warn({ id: r.id, destination: r.destination, error }, 'forwarding parked');
  }
}

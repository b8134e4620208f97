import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import { buildAckForUnparsed, MessageErrorCode } from '@hosp/standards-hl7v2';
import { MllpServer } from '@hosp/standards-hl7v2-mllp';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConnectionsService } from '../../connections/application/connections.service';
import type { Connection } from '../../connections/domain/connection';
import { PartitionMaintenance } from '../../store/application/partition-maintenance';
import { Hl7InboundService } from '../application/hl7-inbound.service';

/**
 * One MLLP listener per enabled `listen` HL7 connection, following the configuration as it changes. The
 * listener frames and orders; Hl7InboundService decides the answer. An oversize or truncated frame is
 * answered AR with the reason (the connection stays open), so the device learns why instead of timing out.
 * TLS uses GATEWAY_TLS_CERT and GATEWAY_TLS_KEY (PEM files; GATEWAY_TLS_CA to require client certificates).
 */
@Injectable()
export class MllpListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('MllpListeners');
  private readonly servers = new Map<string, { server: MllpServer; connection: Connection }>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly connections: ConnectionsService,
    private readonly inbound: Hl7InboundService,
    private readonly partitions: PartitionMaintenance,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.partitions.ready;
    this.connections.changes.on('changed', (c) => {
      this.chain = this.chain
        .then(() => this.apply(c))
        .catch((err) => this.log.error({ err, connection: c.id }, 'listener change failed'));
    });
    for (const c of await this.connections.list())
      await this.apply(c).catch((err) =>
        this.log.error({ err, connection: c.id }, 'listener failed to start'),
      );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.chain;
    await Promise.all([...this.servers.values()].map(({ server }) => server.close({ timeoutMs: 10_000 })));
    this.servers.clear();
  }

  /** Where a connection's listener is bound, if it runs. */
  address(id: string) {
    return this.servers.get(id)?.server.address;
  }

  private async apply(c: Connection): Promise<void> {
    const running = this.servers.get(c.id);
    if (running) {
      await running.server.close({ timeoutMs: 10_000 });
      this.servers.delete(c.id);
    }
    if (!c.enabled || c.role !== 'listen' || c.protocol !== 'hl7v2') return;
    const server = new MllpServer({
      host: c.host,
      port: c.port,
      tls: c.tls ? tlsOptions() : undefined,
      maxMessageBytes: c.maxMessageBytes,
      idleTimeoutMs: 10 * 60_000,
      handler: (bytes) => this.inbound.handle(this.current(c.id) ?? c, bytes),
      onFrameError: (error) =>
        buildAckForUnparsed(
          error.head,
          {
            code: MessageErrorCode.ApplicationInternalError,
            diagnostics: error.message,
            userMessage:
              error.reason === 'oversize' ? `larger than ${c.maxMessageBytes} bytes` : 'truncated frame',
          },
          { fallback: { sendingApplication: c.localApplication, version: c.hl7Version }, code: 'AR' },
        ).toBuffer(),
      onHandlerError: (err) => {
        this.log.error({ err, connection: c.id }, 'handler failed');
        return undefined;
      },
    });
    server.on('frameError', (err) =>
      this.log.warn({ connection: c.id, reason: err.reason, bytes: err.bytes }, err.message),
    );
    const address = await server.listen();
    this.servers.set(c.id, { server, connection: c });
    this.log.log(
      `connection ${c.id}: listening for HL7 on ${address.address}:${address.port}${c.tls ? ' (TLS)' : ''}`,
    );
  }

  private current(id: string): Connection | undefined {
    return this.servers.get(id)?.connection;
  }
}

function tlsOptions(): TlsOptions {
  const cert = process.env['GATEWAY_TLS_CERT'];
  const key = process.env['GATEWAY_TLS_KEY'];
  if (!cert || !key) throw new Error('a TLS connection needs GATEWAY_TLS_CERT and GATEWAY_TLS_KEY');
  const ca = process.env['GATEWAY_TLS_CA'];
  return {
    cert: readFileSync(cert),
    key: readFileSync(key),
    ...(ca ? { ca: readFileSync(ca), requestCert: true, rejectUnauthorized: true } : {}),
  };
}

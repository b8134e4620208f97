import type { PeerCertificate } from 'node:tls';
import { buildAckForUnparsed, MessageErrorCode } from '@hosp/standards-hl7v2';
import { type MllpConnection, MllpServer } from '@hosp/standards-hl7v2-mllp';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConnectionsService } from '../../connections/application/connections.service';
import { serverTlsOptions } from '../../connections/application/tls-material';
import type { Connection } from '../../connections/domain/connection';
import { linkLimits } from '../../shared/application/link-limits';
import { PartitionMaintenance } from '../../store/application/partition-maintenance';
import { Hl7InboundService } from '../application/hl7-inbound.service';

/**
 * One MLLP listener per enabled `listen` HL7 connection, following the configuration as it changes. The
 * listener frames and orders; Hl7InboundService decides the answer. An oversize or truncated frame is
 * answered AR with the reason, so the device learns why instead of timing out; the oversize bytes are dropped
 * as they arrive, never buffered, and the connection stays open for the next message.
 * TLS (MLLP over TLS, mutual with a CA bundle: IHE ATNA node authentication) as tls-material.ts builds it;
 * refused handshakes and the certificate each TLS peer authenticated with are logged. Idle connections are
 * closed and connections per listener capped (shared/application/link-limits.ts).
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
    const limits = linkLimits();
    const tls = c.tls ? serverTlsOptions(c) : undefined;
    const server = new MllpServer({
      host: c.host,
      port: c.port,
      tls,
      maxMessageBytes: c.maxMessageBytes,
      idleTimeoutMs: limits.idleTimeoutMs,
      maxConnections: limits.maxConnections,
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
    server.on('tlsHandshakeError', (err, remote) =>
      this.log.warn(
        { connection: c.id, remote: `${remote.address}:${remote.port}`, err: err.message },
        'TLS handshake refused: peer not authenticated',
      ),
    );
    server.on('connection', (conn) => {
      if (conn.secure) this.log.log({ connection: c.id, ...peerOf(conn) }, 'TLS peer connected');
    });
    server.on('idle', (conn) =>
      this.log.log({ connection: c.id, remote: conn.remoteAddress }, 'idle connection closed'),
    );
    const address = await server.listen();
    this.servers.set(c.id, { server, connection: c });
    const secure = tls ? (tls.requestCert ? ' (TLS, client certificate required)' : ' (TLS)') : '';
    this.log.log(`connection ${c.id}: listening for HL7 on ${address.address}:${address.port}${secure}`);
  }

  private current(id: string): Connection | undefined {
    return this.servers.get(id)?.connection;
  }
}

/** Who a TLS peer is, for the log: its address and, under mutual TLS, its certificate's subject and issuer. */
function peerOf(conn: MllpConnection): Record<string, unknown> {
  const cert: PeerCertificate | undefined = conn.peerCertificate;
  return {
    remote: conn.remoteAddress,
    ...(cert
      ? { subject: cert.subject?.CN, issuer: cert.issuer?.CN, fingerprint256: cert.fingerprint256 }
      : {}),
  };
}

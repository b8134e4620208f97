import { AstmServer } from '@hosp/standards-astm';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConnectionsService } from '../../connections/application/connections.service';
import type { Connection } from '../../connections/domain/connection';
import { linkLimits } from '../../shared/application/link-limits';
import { PartitionMaintenance } from '../../store/application/partition-maintenance';
import { AstmInboundService } from '../application/astm-inbound.service';

/**
 * One ASTM listener per enabled `listen` ASTM connection (analyzers that connect over TCP, the usual set-up of
 * a terminal server in front of a serial analyzer), following the configuration as it changes. Link errors
 * (bad checksums answered NAK, timeouts) are logged and never close the connection; an idle one is closed and
 * connections per listener are capped (shared/application/link-limits.ts). ASTM E1381 has no TLS: a `tls`
 * ASTM connection is refused when configured (ConnectionsService).
 */
@Injectable()
export class AstmListeners implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('AstmListeners');
  private readonly servers = new Map<string, { server: AstmServer; connection: Connection }>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly connections: ConnectionsService,
    private readonly inbound: AstmInboundService,
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
    await Promise.all([...this.servers.values()].map(({ server }) => server.close()));
    this.servers.clear();
  }

  private async apply(c: Connection): Promise<void> {
    const running = this.servers.get(c.id);
    if (running) {
      await running.server.close();
      this.servers.delete(c.id);
    }
    if (!c.enabled || c.role !== 'listen' || c.protocol !== 'astm') return;
    const current = () => this.servers.get(c.id)?.connection ?? c;
    const limits = linkLimits();
    const server = new AstmServer({
      host: c.host,
      port: c.port,
      role: 'host',
      encoding: c.charset === '8859/1' ? 'latin1' : 'auto',
      idleTimeoutMs: limits.idleTimeoutMs,
      maxConnections: limits.maxConnections,
      beforeTerminatorAck: (messages) => this.inbound.store(current(), messages),
      onMessage: (message) => this.inbound.answer(current(), message),
      onError: (err) => this.log.warn({ connection: c.id, err: err.message }, 'ASTM link or message error'),
    });
    server.on('idle', (conn) =>
      this.log.log({ connection: c.id, remote: conn.remoteAddress }, 'idle connection closed'),
    );
    const address = await server.listen();
    this.servers.set(c.id, { server, connection: c });
    this.log.log(`connection ${c.id}: listening for ASTM on ${address.address}:${address.port}`);
  }
}

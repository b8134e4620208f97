import {
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  RuleViolationError,
  VersionConflictError,
} from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import type { Connection } from '../domain/connection';
import { type ConnectionInput, ConnectionsRepository as repo } from '../persistence/connections.repository';
import { checkTlsMaterial, TlsMaterialError } from './tls-material';

/**
 * Connection configuration. Listeners and senders follow it: every change is announced on `changes`, and the
 * MLLP listener lifecycle and the outbound sender (re)start or stop the affected connection.
 */
@Injectable()
export class ConnectionsService {
  readonly changes = new EventEmitter<{ changed: [Connection] }>();

  constructor(private readonly db: DataSource) {}

  async create(c: ConnectionInput): Promise<Connection> {
    checkLinkSecurity(c);
    const created = await this.db.transaction(async (m) => {
      if (await repo.get(m, c.id)) throw new ConflictError('CONNECTION_EXISTS', `connection ${c.id} exists`);
      await repo.insert(m, c);
      return (await repo.get(m, c.id))!;
    });
    this.changes.emit('changed', created);
    return created;
  }

  async update(c: ConnectionInput, expectedVersion: number): Promise<Connection> {
    checkLinkSecurity(c);
    const updated = await this.db.transaction(async (m) => {
      const current = await repo.get(m, c.id, true);
      if (!current) throw new NotFoundError('Connection', c.id);
      if (current.version !== expectedVersion)
        throw new VersionConflictError('Connection', c.id, expectedVersion, current.version);
      await repo.update(m, c);
      return (await repo.get(m, c.id))!;
    });
    this.changes.emit('changed', updated);
    return updated;
  }

  async get(id: string): Promise<Connection> {
    const c = await repo.get(this.db.manager, id);
    if (!c) throw new NotFoundError('Connection', id);
    return c;
  }

  list(): Promise<Connection[]> {
    return repo.list(this.db.manager);
  }
}

/**
 * A connection marked `tls` must really get TLS: refused when it cannot (ASTM, which has no TLS here, or
 * material that does not load), instead of a link that silently runs in clear or a listener that never starts.
 */
function checkLinkSecurity(c: ConnectionInput): void {
  if ((c.tlsCertFile == null) !== (c.tlsKeyFile == null))
    throw InvalidRequestError.field(
      'tlsKeyFile',
      'tlsCertFile and tlsKeyFile go together: set both or neither',
    );
  if (!c.tls) return;
  if (c.protocol !== 'hl7v2')
    throw new RuleViolationError(
      'TLS_NOT_SUPPORTED',
      'TLS is available for HL7 v2 (MLLP) connections only; ASTM links need a trusted network or a TLS tunnel',
    );
  if (!c.enabled) return;
  try {
    checkTlsMaterial(c);
  } catch (err) {
    if (err instanceof TlsMaterialError) throw new RuleViolationError('TLS_NOT_CONFIGURED', err.message);
    throw err;
  }
}

import { ConflictError, NotFoundError, VersionConflictError } from '@hosp/platform-runtime';
import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { DataSource } from 'typeorm';
import type { Connection } from '../domain/connection';
import { type ConnectionInput, ConnectionsRepository as repo } from '../persistence/connections.repository';

/**
 * Connection configuration. Listeners and senders follow it: every change is announced on `changes`, and the
 * MLLP listener lifecycle and the outbound sender (re)start or stop the affected connection.
 */
@Injectable()
export class ConnectionsService {
  readonly changes = new EventEmitter<{ changed: [Connection] }>();

  constructor(private readonly db: DataSource) {}

  async create(c: ConnectionInput): Promise<Connection> {
    const created = await this.db.transaction(async (m) => {
      if (await repo.get(m, c.id)) throw new ConflictError('CONNECTION_EXISTS', `connection ${c.id} exists`);
      await repo.insert(m, c);
      return (await repo.get(m, c.id))!;
    });
    this.changes.emit('changed', created);
    return created;
  }

  async update(c: ConnectionInput, expectedVersion: number): Promise<Connection> {
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

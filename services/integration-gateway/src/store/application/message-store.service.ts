import { ConflictError, InvalidRequestError, NotFoundError } from '@hosp/platform-runtime';
import { decodeHl7, parseHl7 } from '@hosp/standards-hl7v2';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { codeMapOf } from '../../connections/domain/connection';
import { ConnectionsRepository } from '../../connections/persistence/connections.repository';
import { Hl7InboundService } from '../../inbound/application/hl7-inbound.service';
import { analyzerResultsOf } from '../../inbound/domain/oru-r01-to-analyzer-results.mapper';
import { OutboundRepository } from '../../outbound/persistence/outbound.repository';
import {
  type MessageSearch,
  MessagesRepository as repo,
  type StoredMessage,
} from '../persistence/messages.repository';

const RESULT_TYPES = new Set(['ORU^R01', 'OUL^R22']);

/**
 * The message store as people use it: find a message (by connection, type, time, patient, specimen,
 * status), read it with its ACK and the events it produced (lineage), and replay one message or a time
 * range. A replay runs the mapping again with the connection's CURRENT code map (the usual reason: a code
 * was missing from the map) and emits new events, recorded on the message's lineage.
 */
@Injectable()
export class MessageStoreService {
  constructor(
    private readonly db: DataSource,
    private readonly inbound: Hl7InboundService,
  ) {}

  search(q: MessageSearch) {
    return repo.search(this.db.manager, q);
  }

  async get(id: string) {
    const m = await repo.get(this.db.manager, id);
    if (!m) throw new NotFoundError('Message', id);
    return view(m);
  }

  async replay(id: string): Promise<{ messageId: string; eventIds: string[] }> {
    const stored = await repo.get(this.db.manager, id);
    if (!stored) throw new NotFoundError('Message', id);
    return this.replayStored(stored);
  }

  async replayRange(from: Date, to: Date, connectionId?: string) {
    if (to <= from) throw InvalidRequestError.field('to', 'must be after from');
    const messages = await repo.acceptedBetween(this.db.manager, from, to, connectionId);
    const replayed = [];
    for (const m of messages) replayed.push(await this.replayStored(m));
    return { replayed: replayed.length, messages: replayed };
  }

  private async replayStored(stored: StoredMessage) {
    if (stored.direction !== 'in' || stored.status !== 'accepted')
      throw new ConflictError(
        'NOT_REPLAYABLE',
        `message ${stored.id} is ${stored.direction}/${stored.status}: only accepted inbound messages replay`,
      );
    if (stored.protocol !== 'hl7v2')
      throw new ConflictError('NOT_REPLAYABLE', `${stored.protocol} messages replay through their own path`);
    return this.db.transaction(async (m) => {
      const c = await ConnectionsRepository.get(m, stored.connectionId);
      if (!c)
        throw new ConflictError('CONNECTION_GONE', `connection ${stored.connectionId} no longer exists`);
      const msg = parseHl7(stored.raw, { defaultCharset: c.charset });
      const results = RESULT_TYPES.has(stored.messageType ?? '') ? analyzerResultsOf(msg, codeMapOf(c)) : [];
      const eventIds = await this.inbound.emitEvents(
        m,
        c,
        msg,
        stored.raw,
        stored.id,
        stored.receivedAt,
        results,
        stored.replays + 1,
      );
      await repo.addLineage(m, stored.id, stored.receivedAt, eventIds, true);
      return { messageId: stored.id, eventIds };
    });
  }

  outbound(f: { connectionId?: string; status?: string; limit: number }) {
    return OutboundRepository.list(this.db.manager, f);
  }

  async requeue(id: string) {
    if (!(await OutboundRepository.requeue(this.db.manager, id))) {
      const o = await OutboundRepository.get(this.db.manager, id);
      if (!o) throw new NotFoundError('Outbound message', id);
      throw new ConflictError('NOT_PARKED', `outbound message ${id} is ${o.status}`);
    }
    return OutboundRepository.get(this.db.manager, id);
  }
}

/** The stored bytes as text in their character set (for people), with the exact bytes in base64 beside. */
function view(m: StoredMessage) {
  const text = (b: Buffer | null) => {
    if (!b) return null;
    try {
      return decodeHl7(b).text;
    } catch {
      return b.toString('latin1');
    }
  };
  const { raw, ack, ...rest } = m;
  return { ...rest, text: text(raw), rawBase64: raw.toString('base64'), ackText: text(ack) };
}

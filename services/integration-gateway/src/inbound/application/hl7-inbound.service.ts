import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Hl7MessageReceivedSchema, Topics } from '@hosp/contracts';
import { ServiceEvents } from '@hosp/platform-runtime';
import {
  ackCodeFor,
  ackCodeForErrors,
  ackModeOf,
  buildAck,
  buildAckForUnparsed,
  type Hl7ErrorDetail,
  type Hl7Message,
  Hl7ValidationError,
  MessageErrorCode,
  parseHl7,
  validateHeader,
} from '@hosp/standards-hl7v2';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { codeMapOf, type Connection } from '../../connections/domain/connection';
import { queriedSpecimen, queryResponse } from '../../outbound/domain/work-order-to-hl7.mapper';
import { WorkOrdersRepository } from '../../outbound/persistence/work-orders.repository';
import { KafkaGate } from '../../shared/application/kafka-gate';
import { AnalyzerResultsPublisher } from './analyzer-results.publisher';
import { MessagesRepository as store, type StoredMessage } from '../../store/persistence/messages.repository';
import {
  analyzerResultsOf,
  patientIdOf,
  type SpecimenResults,
} from '../domain/oru-r01-to-analyzer-results.mapper';

const RESULT_TYPES = new Set(['ORU^R01', 'OUL^R22']);

/**
 * Inbound HL7 v2 (ARCHITECTURE.md "Bad input and faults"): every message is stored with its events in one
 * transaction BEFORE the ACK; the ACK is AA/CA only after that commit. Bad messages are answered AE/AR with
 * an ERR segment naming the problem (table 0357) and kept for inspection; a resent MSH-10 is ACKed again
 * with the stored ACK and not processed twice; when PostgreSQL or Kafka is away the sender is told to
 * resend later (AR/CR 207). The MLLP listener and the replay API both come through here.
 */
@Injectable()
export class Hl7InboundService {
  private readonly log = new Logger('Hl7Inbound');

  constructor(
    private readonly db: DataSource,
    private readonly events: ServiceEvents,
    private readonly gate: KafkaGate,
    private readonly results: AnalyzerResultsPublisher,
  ) {}

  async handle(c: Connection, bytes: Buffer, receivedAt = new Date()): Promise<Buffer> {
    const fallback = {
      sendingApplication: c.localApplication,
      sendingFacility: c.localFacility,
      version: c.hl7Version,
    };
    let msg: Hl7Message;
    try {
      msg = parseHl7(bytes, { defaultCharset: c.charset });
    } catch (err) {
      const detail: Hl7ErrorDetail =
        err instanceof Hl7ValidationError
          ? err
          : { code: MessageErrorCode.SegmentSequenceError, diagnostics: (err as Error).message };
      const ack = buildAckForUnparsed(bytes, detail, { fallback }).toBuffer();
      await this.keepRejected(c, bytes, receivedAt, null, detail, ack);
      return ack;
    }

    const errors: Hl7ErrorDetail[] = validateHeader(msg, {
      messageTypes: c.accepts.length ? c.accepts : undefined,
    });
    const sender = msg.msh.value(3) ?? '';
    if (errors.length === 0 && c.deviceApplication && sender !== c.deviceApplication)
      errors.push(
        new Hl7ValidationError(
          MessageErrorCode.UnknownKeyIdentifier,
          `MSH-3 "${sender}" is not the device configured on connection ${c.id} ("${c.deviceApplication}")`,
          { segment: 'MSH', sequence: 1, field: 3 },
        ),
      );
    const mode = ackModeOf(msg);
    if (errors.length > 0) {
      const code = ackCodeForErrors(errors, mode);
      const ack = buildAck(msg, { code, errors }).toBuffer();
      await this.keepRejected(c, bytes, receivedAt, msg, errors[0], ack);
      return ack;
    }

    if (!this.gate.open)
      return this.refuse(c, bytes, receivedAt, msg, 'the event backbone (Kafka) is unreachable');

    try {
      return await this.db.transaction(async (m) => {
        const id = randomUUID();
        const held = await store.claimKey(m, c.id, msg.controlId!, id, receivedAt);
        if (held) {
          const original = await store.get(m, held.messageId, held.receivedAt);
          this.log.log(`duplicate MSH-10 ${msg.controlId} on ${c.id}: ACKed again, not processed`);
          if (original?.ack) return original.ack;
          return buildAck(msg, { code: ackCodeFor('accept', mode), textMessage: 'duplicate' }).toBuffer();
        }
        return this.accept(m, c, msg, bytes, id, receivedAt);
      });
    } catch (err) {
      this.log.error({ err, connection: c.id }, 'message not stored; the sender is told to resend');
      return this.refuse(c, bytes, receivedAt, msg, 'the message could not be stored');
    }
  }

  /** Stores the message, emits its events and builds the answer, all inside the caller's transaction. */
  private async accept(
    m: EntityManager,
    c: Connection,
    msg: Hl7Message,
    bytes: Buffer,
    id: string,
    receivedAt: Date,
  ): Promise<Buffer> {
    const type = `${msg.messageType}^${msg.triggerEvent}`;
    const results = RESULT_TYPES.has(type) ? analyzerResultsOf(msg, codeMapOf(c)) : [];
    const eventIds = await this.emitEvents(m, c, msg, bytes, id, receivedAt, results, 0);
    let answer: Buffer;
    // QBP^Q11 is answered by the RSP^K11 itself (MSA-1 AA), original mode (HL7 v2.5.1 Ch. 5 §5.3).
    const code = type === 'QBP^Q11' ? 'AA' : ackCodeFor('accept', ackModeOf(msg));
    if (type === 'QBP^Q11') {
      const specimen = queriedSpecimen(msg);
      const orders = specimen ? await WorkOrdersRepository.released(m, [specimen]) : [];
      answer = queryResponse(c, msg, orders).toBuffer();
    } else {
      answer = buildAck(msg, { code }).toBuffer();
    }
    await store.insert(m, {
      id,
      receivedAt,
      connectionId: c.id,
      direction: 'in',
      protocol: 'hl7v2',
      messageType: type,
      controlId: msg.controlId ?? null,
      sender: [msg.msh.value(3), msg.msh.value(4)].filter(Boolean).join('^') || null,
      version: msg.version ?? null,
      charset: msg.charset.declared || null,
      raw: bytes,
      patientId: patientIdOf(msg) ?? null,
      specimenIds: results.map((r) => r.specimenId).filter(Boolean),
      status: 'accepted',
      error: null,
      ackCode: code,
      ack: answer,
      eventIds,
    });
    return answer;
  }

  /**
   * The events of one accepted message: Hl7MessageReceived (the raw message, for any consumer) and one
   * AnalyzerResultsReported per specimen (AnalyzerResultsPublisher).
   */
  async emitEvents(
    m: EntityManager,
    c: Connection,
    msg: Hl7Message,
    bytes: Buffer,
    id: string,
    receivedAt: Date,
    results: SpecimenResults[],
    replay: number,
  ): Promise<string[]> {
    const at = timestampFromDate(receivedAt);
    const ids = [
      await this.events.emit(m, Topics.GatewayHl7Inbound, Hl7MessageReceivedSchema, {
        messageId: id,
        connectionId: c.id,
        messageType: msg.msh.field(9) ?? '',
        controlId: msg.controlId ?? '',
        version: msg.version ?? '',
        raw: bytes,
        charset: msg.charset.declared ?? '',
        receivedAt: at,
      }),
    ];
    ids.push(
      ...(await this.results.emit(
        m,
        {
          messageId: id,
          connectionId: c.id,
          deviceId: msg.msh.value(3) ?? c.id,
          protocol: `HL7 ${msg.version ?? ''} ${msg.messageType}^${msg.triggerEvent}`,
          receivedAt,
        },
        results,
        replay,
      )),
    );
    return ids;
  }

  /** Not accepted, and the sender may resend: AR (original mode) or CR (enhanced), error 207. */
  private async refuse(
    c: Connection,
    bytes: Buffer,
    receivedAt: Date,
    msg: Hl7Message,
    why: string,
  ): Promise<Buffer> {
    const detail: Hl7ErrorDetail = {
      code: MessageErrorCode.ApplicationInternalError,
      diagnostics: `${why}; not accepted, resend later`,
    };
    const ack = buildAck(msg, { code: ackCodeFor('reject', ackModeOf(msg)), errors: [detail] }).toBuffer();
    await this.keep(c, bytes, receivedAt, msg, 'refused', detail, ack);
    return ack;
  }

  private keepRejected(
    c: Connection,
    bytes: Buffer,
    at: Date,
    msg: Hl7Message | null,
    d: Hl7ErrorDetail,
    ack: Buffer,
  ) {
    return this.keep(c, bytes, at, msg, 'rejected', d, ack);
  }

  /**
   * Keeps a message that was not accepted, for inspection. Best effort: when the database itself is down
   * the answer still goes out (the sender was told not to count on us), and the failure is logged.
   */
  private async keep(
    c: Connection,
    bytes: Buffer,
    receivedAt: Date,
    msg: Hl7Message | null,
    status: StoredMessage['status'],
    d: Hl7ErrorDetail,
    ack: Buffer,
  ): Promise<void> {
    try {
      await store.insert(this.db.manager, {
        id: randomUUID(),
        receivedAt,
        connectionId: c.id,
        direction: 'in',
        protocol: 'hl7v2',
        messageType: msg ? `${msg.messageType ?? ''}^${msg.triggerEvent ?? ''}` : null,
        controlId: msg?.controlId ?? null,
        sender: msg?.msh.value(3) ?? null,
        version: msg?.version ?? null,
        charset: msg?.charset.declared ?? null,
        raw: bytes,
        patientId: null,
        specimenIds: [],
        status,
        error: `${d.code}: ${'message' in d && typeof d.message === 'string' ? d.message : (d.diagnostics ?? '')}`,
        ackCode: status === 'refused' ? 'AR' : null,
        ack,
        eventIds: [],
      });
    } catch (err) {
      this.log.error({ err, connection: c.id, status }, 'could not keep a message that was not accepted');
    }
  }
}

import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Hl7MessageReceivedSchema, Topics } from '@hosp/contracts';
import { isTransientInfrastructureError } from '@hosp/platform-kafka';
import { type PendingEvent, ServiceEvents } from '@hosp/platform-runtime';
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
/** Messages written per transaction at most (GATEWAY_MAX_BATCH); more wait for the next one. */
const MAX_BATCH = Number(process.env['GATEWAY_MAX_BATCH'] ?? 200);
const BATCH_WAIT_MS = Number(process.env['GATEWAY_BATCH_WAIT_MS'] ?? 1);
const BATCHES_IN_FLIGHT = Number(process.env['GATEWAY_BATCHES_IN_FLIGHT'] ?? 2);

interface AcceptJob {
  c: Connection;
  msg: Hl7Message;
  bytes: Buffer;
  receivedAt: Date;
  resolve: (answer: Buffer) => void;
  reject: (err: unknown) => void;
}

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
      return await this.submit({ c, msg, bytes, receivedAt });
    } catch (err) {
      this.log.error({ err, connection: c.id }, 'message not stored; the sender is told to resend');
      return this.refuse(c, bytes, receivedAt, msg, 'the message could not be stored');
    }
  }

  // ---- accepting, in batches --------------------------------------------------------------------------
  //
  // Every connection has one message in flight (original mode: the sender waits for the ACK), so with many
  // analyzers many messages wait for their durable write at once. They are written together: the messages
  // that arrive while a transaction commits form the next one (group commit, as PostgreSQL itself does for
  // WAL flushes). Each message is still ACKed only after the commit that made it durable; one transaction
  // per message would spend most of the gateway's time on round trips and fsyncs. A batch that fails is
  // retried message by message, so one bad message is refused alone.

  private readonly queue: AcceptJob[] = [];
  private inFlight = 0;
  private scheduled = false;

  private submit(job: Omit<AcceptJob, 'resolve' | 'reject'>): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ ...job, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts a batch after a short gather window (GATEWAY_BATCH_WAIT_MS, 1 ms by default: the messages whose
   * bytes are already in the socket buffers join it), with at most GATEWAY_BATCHES_IN_FLIGHT (2)
   * transactions running: while one commits, the next is written. Each connection has one message in flight,
   * so two batches never hold two messages of one connection out of order.
   */
  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= BATCHES_IN_FLIGHT) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      void this.runBatch();
    }, BATCH_WAIT_MS);
  }

  private async runBatch(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    this.inFlight++;
    this.schedule();
    try {
      const answers = await this.db.transaction((m) => this.acceptAll(m, batch));
      batch.forEach((job, i) => job.resolve(answers[i]));
    } catch (err) {
      // The database or the network failed: every message of the batch is refused at once (the devices
      // resend), rather than retried one by one, each waiting for the same timeout.
      if (batch.length === 1 || isTransientInfrastructureError(err)) {
        for (const job of batch) job.reject(err);
      } else {
        // A problem with one message's data spoiled the batch: each on its own, so only that one is refused.
        for (const job of batch) {
          try {
            const [answer] = await this.db.transaction((m) => this.acceptAll(m, [job]));
            job.resolve(answer);
          } catch (e) {
            job.reject(e);
          }
        }
      }
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  /**
   * One transaction for a batch: claim every (connection, MSH-10); store the new messages with their events;
   * answer duplicates with the ACK already given. Statements per batch, not per message: one claim, one
   * outbox append, one message insert, one ACK lookup when there are duplicates.
   */
  private async acceptAll(m: EntityManager, jobs: readonly AcceptJob[]): Promise<Buffer[]> {
    const ids = jobs.map(() => randomUUID());
    const keyOf = (j: AcceptJob) => `${j.c.id}\u0000${j.msg.controlId}`;
    const claimed = await store.claimKeys(
      m,
      jobs.map((j, i) => ({
        connectionId: j.c.id,
        controlId: j.msg.controlId!,
        messageId: ids[i],
        receivedAt: j.receivedAt,
      })),
    );
    const answers: Array<Buffer | undefined> = [];
    const rows: Array<Omit<StoredMessage, 'replays'>> = [];
    const events: PendingEvent[] = [];
    const eventCounts: number[] = [];
    const answerOfKey = new Map<string, Buffer>();
    for (const [i, job] of jobs.entries()) {
      if (!claimed.has(ids[i])) {
        answers.push(undefined);
        continue;
      }
      const { c, msg, bytes, receivedAt } = job;
      const type = `${msg.messageType}^${msg.triggerEvent}`;
      const results = RESULT_TYPES.has(type) ? analyzerResultsOf(msg, codeMapOf(c)) : [];
      const mine = this.pendingEvents(c, msg, bytes, ids[i], receivedAt, results, 0);
      events.push(...mine);
      eventCounts.push(mine.length);
      // QBP^Q11 is answered by the RSP^K11 itself (MSA-1 AA), original mode (HL7 v2.5.1 Ch. 5 §5.3).
      const code = type === 'QBP^Q11' ? 'AA' : ackCodeFor('accept', ackModeOf(msg));
      let answer: Buffer;
      if (type === 'QBP^Q11') {
        const specimen = queriedSpecimen(msg);
        const orders = specimen ? await WorkOrdersRepository.released(m, [specimen]) : [];
        answer = queryResponse(c, msg, orders).toBuffer();
      } else {
        answer = buildAck(msg, { code }).toBuffer();
      }
      answers.push(answer);
      answerOfKey.set(keyOf(job), answer);
      rows.push({
        id: ids[i],
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
        eventIds: [],
      });
    }
    const eventIds = await this.events.emitAll(m, events);
    let next = 0;
    rows.forEach((row, k) => {
      row.eventIds = eventIds.slice(next, next + eventCounts[k]);
      next += eventCounts[k];
    });
    await store.insertAll(m, rows);

    const duplicates = jobs.filter((_, i) => answers[i] === undefined);
    const stored = duplicates.some((j) => !answerOfKey.has(keyOf(j)))
      ? await store.acksByKey(
          m,
          duplicates.map((j) => ({ connectionId: j.c.id, controlId: j.msg.controlId! })),
        )
      : new Map<string, Buffer | null>();
    return jobs.map((job, i) => {
      const answer = answers[i];
      if (answer) return answer;
      this.log.log(`duplicate MSH-10 ${job.msg.controlId} on ${job.c.id}: ACKed again, not processed`);
      return (
        answerOfKey.get(keyOf(job)) ??
        stored.get(keyOf(job)) ??
        buildAck(job.msg, {
          code: ackCodeFor('accept', ackModeOf(job.msg)),
          textMessage: 'duplicate',
        }).toBuffer()
      );
    });
  }

  /** The events of one accepted message: Hl7MessageReceived and one AnalyzerResultsReported per specimen. */
  private pendingEvents(
    c: Connection,
    msg: Hl7Message,
    bytes: Buffer,
    id: string,
    receivedAt: Date,
    results: SpecimenResults[],
    replay: number,
  ): PendingEvent[] {
    const raw: PendingEvent[] =
      results.length > 0 && !c.publishRaw
        ? []
        : [
            {
              topic: Topics.GatewayHl7Inbound,
              schema: Hl7MessageReceivedSchema,
              init: {
                messageId: id,
                connectionId: c.id,
                messageType: msg.msh.field(9) ?? '',
                controlId: msg.controlId ?? '',
                version: msg.version ?? '',
                raw: bytes,
                charset: msg.charset.declared ?? '',
                receivedAt: timestampFromDate(receivedAt),
              },
            } satisfies PendingEvent<typeof Hl7MessageReceivedSchema>,
          ];
    return [
      ...raw,
      ...this.results.pending(
        {
          messageId: id,
          connectionId: c.id,
          deviceId: msg.msh.value(3) ?? c.id,
          protocol: `HL7 ${msg.version ?? ''} ${msg.messageType}^${msg.triggerEvent}`,
          receivedAt,
        },
        results,
        replay,
      ),
    ];
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
    return this.events.emitAll(m, this.pendingEvents(c, msg, bytes, id, receivedAt, results, replay));
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

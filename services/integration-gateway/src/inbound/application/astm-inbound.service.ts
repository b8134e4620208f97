import { randomUUID } from 'node:crypto';
import { type AstmMessage, type AstmWorkOrder, buildQueryResponse } from '@hosp/standards-astm';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { codeMapOf, type Connection } from '../../connections/domain/connection';
import type { WorkOrder } from '../../outbound/domain/work-order';
import { WorkOrdersRepository } from '../../outbound/persistence/work-orders.repository';
import { KafkaGate } from '../../shared/application/kafka-gate';
import { MessagesRepository as store } from '../../store/persistence/messages.repository';
import { astmResultsOf } from '../domain/astm-to-analyzer-results.mapper';
import { AnalyzerResultsPublisher } from './analyzer-results.publisher';

/**
 * Inbound ASTM (E1381/E1394). The link layer ACKs each frame as it comes, but holds the ACK of the frame
 * with the L record until `store` has made the whole message durable with its events (the same
 * store-then-acknowledge rule as HL7): when PostgreSQL or Kafka is away that frame gets NAK, the analyzer
 * retransmits it, and after its retries it gives up and sends the message again later. `answer` runs after
 * EOT and answers host queries (Q records) from the work orders LIS released.
 */
@Injectable()
export class AstmInboundService {
  private readonly log = new Logger('AstmInbound');

  constructor(
    private readonly db: DataSource,
    private readonly gate: KafkaGate,
    private readonly results: AnalyzerResultsPublisher,
  ) {}

  async store(c: Connection, messages: AstmMessage[], receivedAt = new Date()): Promise<boolean> {
    if (!this.gate.open) {
      this.log.warn(`connection ${c.id}: Kafka unreachable, terminator frame refused (NAK)`);
      return false;
    }
    try {
      await this.db.transaction(async (m) => {
        for (const message of messages) {
          const id = randomUUID();
          const header = message.header;
          const controlId = header.messageControlId;
          // H-3 message control id, when the analyzer sends one, detects a resent session (E1394 §7.1.3).
          if (controlId) {
            const held = await store.claimKey(
              m,
              c.id,
              `astm:${controlId}:${header.timestamp ?? ''}`,
              id,
              receivedAt,
            );
            if (held) continue;
          }
          const results = astmResultsOf(message, codeMapOf(c));
          const eventIds = await this.results.emit(
            m,
            {
              messageId: id,
              connectionId: c.id,
              deviceId: header.senderName ?? c.id,
              protocol: 'ASTM E1394',
              receivedAt,
            },
            results,
            0,
          );
          await store.insert(m, {
            id,
            receivedAt,
            connectionId: c.id,
            direction: 'in',
            protocol: 'astm',
            messageType: message.isQuery ? 'ASTM Q' : results.length ? 'ASTM R' : 'ASTM',
            controlId: controlId ?? null,
            sender: header.senderName ?? null,
            version: header.version ?? null,
            charset: message.encoding ?? null,
            raw: message.toBuffer(),
            patientId: message.patients[0]?.practicePatientId ?? null,
            specimenIds: results.map((r) => r.specimenId).filter(Boolean),
            status: 'accepted',
            error: message.problems.length ? message.problems.join('; ') : null,
            ackCode: 'ACK',
            ack: null,
            eventIds,
          });
        }
      });
      return true;
    } catch (err) {
      this.log.error({ err, connection: c.id }, 'ASTM message not stored; terminator frame refused (NAK)');
      return false;
    }
  }

  /** The host's answer to a query (H/Q/L): the released work orders for the barcodes asked about. */
  async answer(c: Connection, message: AstmMessage): Promise<AstmMessage | undefined> {
    if (!message.isQuery) return undefined;
    const barcodes = message.queries.map((q) => q.specimenId).filter((b): b is string => !!b);
    const orders = await WorkOrdersRepository.released(this.db.manager, barcodes);
    return buildQueryResponse(
      message,
      orders.map((w) => astmOrder(c, w)),
      { sender: c.localApplication },
    );
  }
}

function astmOrder(c: Connection, w: WorkOrder): AstmWorkOrder {
  const deviceCode = new Map(c.codeMap.map((e) => [e.serviceCode, e.deviceCode]));
  const [family, ...given] = w.patientName.split(' ');
  return {
    patient: {
      practicePatientId: w.patientCode || w.patientId,
      name: [family ?? '', given.join(' ')],
      birthDate: w.birthDate.replace(/-/g, ''),
      sex: w.sex,
    },
    specimenId: w.specimenId,
    tests: w.tests.map((t) => ({ localCode: deviceCode.get(t.serviceCode) ?? t.serviceCode })),
    priority: w.priority,
    collectedAt: w.collectedAt ?? undefined,
  };
}

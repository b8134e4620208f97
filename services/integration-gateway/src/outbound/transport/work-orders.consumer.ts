import { randomUUID } from 'node:crypto';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Sex, Topics, WorkOrderCancelledSchema, WorkOrderReleasedSchema } from '@hosp/contracts';
import type { ConsumedEvent } from '@hosp/platform-kafka';
import { EventConsumer, OnEvent } from '@hosp/platform-runtime';
import { newControlId } from '@hosp/standards-hl7v2';
import type { EntityManager } from 'typeorm';
import type { Connection } from '../../connections/domain/connection';
import { ConnectionsRepository } from '../../connections/persistence/connections.repository';
import type { WorkOrder } from '../domain/work-order';
import { cancelMessage, workOrderMessage } from '../domain/work-order-to-hl7.mapper';
import { OutboundRepository } from '../persistence/outbound.repository';
import { WorkOrdersRepository } from '../persistence/work-orders.repository';

const SEX_CODE: Record<Sex, string> = {
  [Sex.UNSPECIFIED]: 'U',
  [Sex.MALE]: 'M',
  [Sex.FEMALE]: 'F',
  [Sex.OTHER]: 'O',
  [Sex.UNKNOWN]: 'U',
};

/**
 * LIS's work orders (IHE LAW, the Analyzer Manager side): kept by barcode to answer the analyzers' queries
 * (QBP^Q11, ASTM Q), and queued for every `connect` connection that pushes orders (OML^O21 / ORM^O01) and
 * performs one of the tests, each getting only its own tests. Queued in the inbox transaction: an order is
 * either kept and queued, or neither, and a redelivered event queues nothing twice.
 */
@EventConsumer({ groupId: 'integration-gateway.work-orders', topics: [Topics.LabWorkOrder] })
export class WorkOrdersConsumer {
  @OnEvent(WorkOrderReleasedSchema)
  async onReleased(event: ConsumedEvent<typeof WorkOrderReleasedSchema>, m: EntityManager): Promise<void> {
    const e = event.payload;
    const w: WorkOrder = {
      workOrderId: e.workOrderId,
      accessionNumber: e.accessionNumber,
      specimenId: e.specimenId,
      specimenType: e.specimenType,
      containerType: e.containerType,
      patientId: e.patientId,
      patientCode: e.patientCode,
      patientName: e.patientName,
      birthDate: e.birthDate,
      sex: SEX_CODE[e.sex],
      priority: e.priority || 'R',
      tests: e.tests.map((t) => ({
        orderId: t.orderId,
        serviceCode: t.service?.code ?? '',
        serviceName: t.service?.display ?? '',
        loinc: t.loinc,
      })),
      collectedAt: e.collectedAt ? timestampDate(e.collectedAt).toISOString() : null,
    };
    await WorkOrdersRepository.upsert(m, w);
    await this.queue(m, w, 'new');
  }

  @OnEvent(WorkOrderCancelledSchema)
  async onCancelled(event: ConsumedEvent<typeof WorkOrderCancelledSchema>, m: EntityManager): Promise<void> {
    const w = await WorkOrdersRepository.cancel(m, event.payload.specimenId);
    if (w) await this.queue(m, w, 'cancel');
  }

  private async queue(m: EntityManager, w: WorkOrder, kind: 'new' | 'cancel'): Promise<void> {
    const targets = await ConnectionsRepository.forTests(
      m,
      w.tests.map((t) => t.serviceCode),
    );
    for (const c of targets.filter(pushes)) {
      const own: WorkOrder = { ...w, tests: w.tests.filter((t) => c.tests.includes(t.serviceCode)) };
      const controlId = newControlId();
      const msg = kind === 'new' ? workOrderMessage(c, own, controlId) : cancelMessage(c, own, controlId);
      await OutboundRepository.enqueue(m, {
        id: randomUUID(),
        connectionId: c.id,
        messageType: c.orderMessage!,
        controlId,
        specimenId: w.specimenId,
        raw: msg.toBuffer(),
      });
    }
  }
}

function pushes(c: Connection): boolean {
  return c.role === 'connect' && c.protocol === 'hl7v2' && c.orderMessage !== null;
}

import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { ConnectionsService } from './connections/application/connections.service';
import { ConnectionsController } from './connections/transport/connections.controller';
import { AnalyzerResultsPublisher } from './inbound/application/analyzer-results.publisher';
import { AstmInboundService } from './inbound/application/astm-inbound.service';
import { Hl7InboundService } from './inbound/application/hl7-inbound.service';
import { AstmListeners } from './inbound/transport/astm-listeners';
import { MllpListeners } from './inbound/transport/mllp-listeners';
import { OutboundSender } from './outbound/application/outbound-sender';
import { WorkOrdersConsumer } from './outbound/transport/work-orders.consumer';
import { serviceDefinition } from './service.definition';
import { KafkaGate } from './shared/application/kafka-gate';
import { MessageStoreService } from './store/application/message-store.service';
import { PartitionMaintenance } from './store/application/partition-maintenance';
import { MessagesController } from './store/transport/messages.controller';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
  controllers: [ConnectionsController, MessagesController],
  providers: [
    KafkaGate,
    PartitionMaintenance,
    ConnectionsService,
    AnalyzerResultsPublisher,
    Hl7InboundService,
    MllpListeners,
    AstmInboundService,
    AstmListeners,
    MessageStoreService,
    WorkOrdersConsumer,
    OutboundSender,
  ],
})
export class AppModule {}

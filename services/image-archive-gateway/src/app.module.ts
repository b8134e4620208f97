import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { StorageCommitmentService } from './commitment/application/storage-commitment.service';
import { DicomListener } from './dicom/transport/dicom-listener';
import { DicomWebService } from './dicomweb/application/dicomweb.service';
import { DicomWebController } from './dicomweb/transport/dicomweb.controller';
import { Forwarder } from './forwarding/application/forwarder';
import { ForwardingController } from './forwarding/transport/forwarding.controller';
import { MppsService } from './mpps/application/mpps.service';
import { MppsController } from './mpps/transport/mpps.controller';
import { PeersService } from './peers/application/peers.service';
import { PeersController } from './peers/transport/peers.controller';
import { QueryService } from './query/application/query.service';
import { RetrieveService } from './query/application/retrieve.service';
import { serviceDefinition } from './service.definition';
import { StorageService } from './storage/application/storage.service';
import { ReconciliationService } from './studies/application/reconciliation.service';
import { StudyAnnouncer } from './studies/application/study-announcer';
import { StudiesController } from './studies/transport/studies.controller';
import { ObjectStore } from './storage/persistence/object-store';
import { InstancesController } from './storage/transport/instances.controller';
import { ARCHIVE_SETTINGS, archiveSettingsFromEnv } from './shared/archive-settings';
import { WorklistService } from './worklist/application/worklist.service';
import { RisProceduresConsumer } from './worklist/transport/ris-procedures.consumer';
import { WorklistController } from './worklist/transport/worklist.controller';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
  controllers: [
    PeersController,
    WorklistController,
    MppsController,
    InstancesController,
    StudiesController,
    DicomWebController,
    ForwardingController,
  ],
  providers: [
    // A factory, so the environment is read when the application boots, not when this file is imported.
    { provide: ARCHIVE_SETTINGS, useFactory: archiveSettingsFromEnv },
    PeersService,
    WorklistService,
    RisProceduresConsumer,
    MppsService,
    ObjectStore,
    StorageService,
    ReconciliationService,
    StudyAnnouncer,
    QueryService,
    RetrieveService,
    DicomWebService,
    Forwarder,
    StorageCommitmentService,
    DicomListener,
  ],
})
export class AppModule {}

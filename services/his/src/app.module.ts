import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { CatalogService } from './catalog/application/catalog.service';
import { CatalogController } from './catalog/transport/catalog.controller';
import { ChargesService } from './charges/application/charges.service';
import { ChargesController } from './charges/transport/charges.controller';
import { EncountersService } from './encounters/application/encounters.service';
import { EncountersController } from './encounters/transport/encounters.controller';
import { OrdersService } from './orders/application/orders.service';
import { OrdersController } from './orders/transport/orders.controller';
import { PatientsService } from './patients/application/patients.service';
import { PatientsController } from './patients/transport/patients.controller';
import { ReceptionService } from './reception/application/reception.service';
import { ReceptionController } from './reception/transport/reception.controller';
import { ClinicalResultsConsumer } from './results/transport/clinical-results.consumer';
import { serviceDefinition } from './service.definition';
import { FACILITY_CONFIG, facilityConfigFromEnv } from './shared/application/facility';
import { TimelineService } from './timeline/application/timeline.service';
import { TimelineController } from './timeline/transport/timeline.controller';
import { DocumentsService } from './documents/application/documents.service';
import { SigningKeysService } from './documents/application/signing-keys.service';
import { DocumentsController } from './documents/transport/documents.controller';
import { SigningKeysController } from './documents/transport/signing-keys.controller';
import { PrescriptionsService } from './prescriptions/application/prescriptions.service';
import { PrescriptionsController } from './prescriptions/transport/prescriptions.controller';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
  controllers: [
    PatientsController,
    CatalogController,
    ReceptionController,
    EncountersController,
    OrdersController,
    ChargesController,
    TimelineController,
    PrescriptionsController,
    DocumentsController,
    SigningKeysController,
  ],
  providers: [
    { provide: FACILITY_CONFIG, useFactory: () => facilityConfigFromEnv() },
    PatientsService,
    CatalogService,
    EncountersService,
    ChargesService,
    OrdersService,
    TimelineService,
    ReceptionService,
    ClinicalResultsConsumer,
    PrescriptionsService,
    DocumentsService,
    SigningKeysService,
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { RisPatientsService } from './patients/application/ris-patients.service';
import { PatientsController } from './patients/transport/patients.controller';
import { PerformedStepsService } from './procedures/application/performed-steps.service';
import { ProceduresService } from './procedures/application/procedures.service';
import { HisEventsConsumer } from './procedures/transport/his-events.consumer';
import { PacsEventsConsumer } from './procedures/transport/pacs-events.consumer';
import { ProceduresController } from './procedures/transport/procedures.controller';
import { ReportsService } from './reports/application/reports.service';
import { ReportsController } from './reports/transport/reports.controller';
import { serviceDefinition } from './service.definition';
import { StationsService } from './stations/application/stations.service';
import { StationsController } from './stations/transport/stations.controller';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
  controllers: [StationsController, ProceduresController, ReportsController, PatientsController],
  providers: [
    ProceduresService,
    PerformedStepsService,
    StationsService,
    ReportsService,
    RisPatientsService,
    HisEventsConsumer,
    PacsEventsConsumer,
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { AccessioningService } from './accessioning/application/accessioning.service';
import { HeldOrdersController } from './accessioning/transport/held-orders.controller';
import { HisEventsConsumer } from './accessioning/transport/his-events.consumer';
import { LabPatientsService } from './patients/application/lab-patients.service';
import { PatientsController } from './patients/transport/patients.controller';
import { HeldResultsService } from './results/application/held-results.service';
import { ResultsService } from './results/application/results.service';
import { AnalyzerResultsConsumer } from './results/transport/analyzer-results.consumer';
import { HeldResultsController } from './results/transport/held-results.controller';
import { ResultsController } from './results/transport/results.controller';
import { serviceDefinition } from './service.definition';
import { SpecimensService } from './specimens/application/specimens.service';
import { SpecimensController } from './specimens/transport/specimens.controller';
import { TestDefinitionsService } from './test-definitions/application/test-definitions.service';
import { TestDefinitionsController } from './test-definitions/transport/test-definitions.controller';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
  controllers: [
    TestDefinitionsController,
    HeldOrdersController,
    SpecimensController,
    ResultsController,
    HeldResultsController,
    PatientsController,
  ],
  providers: [
    TestDefinitionsService,
    LabPatientsService,
    SpecimensService,
    AccessioningService,
    ResultsService,
    HeldResultsService,
    HisEventsConsumer,
    AnalyzerResultsConsumer,
  ],
})
export class AppModule {}

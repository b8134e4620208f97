import { describeServiceConformance } from '@hosp/service-testing';
import { AppModule } from '../../src/app.module';
import { serviceDefinition } from '../../src/service.definition';

describeServiceConformance(AppModule, serviceDefinition);

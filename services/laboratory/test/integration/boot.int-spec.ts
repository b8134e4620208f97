import { describeServiceConformance } from '@hosp/testing';
import { AppModule } from '../../src/app.module';
import { serviceDefinition } from '../../src/service.definition';

describeServiceConformance(AppModule, serviceDefinition);

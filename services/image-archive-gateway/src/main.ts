import 'reflect-metadata';
import { bootstrapService } from '@hosp/platform-runtime';
import { AppModule } from './app.module';
import { serviceDefinition } from './service.definition';

void bootstrapService(AppModule, serviceDefinition);

import { Topics } from '@hosp/contracts';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { serviceMigrations } from '../migrations';

export const serviceDefinition: ServiceDefinition = {
  service: 'laboratory',
  title: 'Laboratory information system: accessions, specimens, analyzer work lists, results and validation',
  defaultPort: 3002,
  migrations: serviceMigrations,
  produces: [Topics.LabSpecimen, Topics.LabWorkOrder, Topics.LabResult],
};

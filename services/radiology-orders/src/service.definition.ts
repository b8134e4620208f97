import { Topics } from '@hosp/contracts';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { serviceMigrations } from '../migrations';

export const serviceDefinition: ServiceDefinition = {
  service: 'radiology-orders',
  title: 'Radiology orders (RIS): requested procedures, scheduled steps per modality, MPPS status, reports',
  defaultPort: 3003,
  migrations: serviceMigrations,
  produces: [Topics.RisProcedure],
};

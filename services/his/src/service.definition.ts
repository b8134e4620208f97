import { Topics } from '@hosp/contracts';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { serviceMigrations } from '../migrations';

export const serviceDefinition: ServiceDefinition = {
  service: 'his',
  title:
    'Hospital information system: patients, reception and queue, encounters, orders, charges, the EMR timeline',
  defaultPort: 3001,
  migrations: serviceMigrations,
  produces: [
    Topics.HisPatient,
    Topics.HisEncounter,
    Topics.HisOrder,
    Topics.HisCharge,
    Topics.HisPrescription,
  ],
};

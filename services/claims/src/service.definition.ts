import { Topics } from '@hosp/contracts';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { serviceMigrations } from '../migrations';

export const serviceDefinition: ServiceDefinition = {
  service: 'claims',
  title: 'BHYT claims: XML 130 assembly, validation, signing and submission to the insurance gateway',
  defaultPort: 3005,
  migrations: serviceMigrations,
  produces: [Topics.ClaimsClaim],
};

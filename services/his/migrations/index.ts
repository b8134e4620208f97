import type { MigrationClass } from '@hosp/platform-persistence';
import { HisSchema1763800000000 } from './1763800000000-his-schema';
import { EncounterCoverage1763800000100 } from './1763800000100-encounter-coverage';
import { DischargeDetails1763800000200 } from './1763800000200-discharge-details';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). Tables arrive with the service's capabilities; see README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [
  HisSchema1763800000000,
  EncounterCoverage1763800000100,
  DischargeDetails1763800000200,
];

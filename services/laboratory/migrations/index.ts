import type { MigrationClass } from '@hosp/platform-persistence';
import { LaboratorySchema1764000000000 } from './1764000000000-laboratory-schema';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). See README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [LaboratorySchema1764000000000];

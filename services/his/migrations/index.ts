import type { MigrationClass } from '@hosp/platform-persistence';
import { HisSchema1763800000000 } from './1763800000000-his-schema';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). Tables arrive with the service's capabilities; see README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [HisSchema1763800000000];

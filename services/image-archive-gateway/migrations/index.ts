import type { MigrationClass } from '@hosp/platform-persistence';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). Tables arrive with the service's capabilities; see README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [];

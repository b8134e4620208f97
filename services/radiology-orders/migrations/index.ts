import type { MigrationClass } from '@hosp/platform-persistence';
import { RadiologyOrdersSchema1764200000000 } from './1764200000000-radiology-orders-schema';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). See README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [RadiologyOrdersSchema1764200000000];

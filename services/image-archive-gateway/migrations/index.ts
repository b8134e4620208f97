import type { MigrationClass } from '@hosp/platform-persistence';
import { ArchiveSchema1764600000000 } from './1764600000000-archive-schema';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). See README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [ArchiveSchema1764600000000];

import type { MigrationClass } from '@hosp/platform-persistence';
import { ClaimsSchema1764300000000 } from './1764300000000-claims-schema';
import { CloseReceivedAt1764300000100 } from './1764300000100-close-received-at';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). See README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [ClaimsSchema1764300000000, CloseReceivedAt1764300000100];

import type { MigrationClass } from '@hosp/platform-persistence';
import { GatewaySchema1763900000000 } from './1763900000000-gateway-schema';
import { ConnectionPublishRaw1763900000100 } from './1763900000100-connection-publish-raw';
import { ConnectionTlsFiles1763900000200 } from './1763900000200-connection-tls-files';

/**
 * This service's own migrations, in order. The platform's outbox/inbox migration runs before them
 * (PlatformModule). Tables arrive with the service's capabilities; see README.md "Tables owned".
 */
export const serviceMigrations: MigrationClass[] = [
  GatewaySchema1763900000000,
  ConnectionPublishRaw1763900000100,
  ConnectionTlsFiles1763900000200,
];

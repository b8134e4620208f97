import type { PlatformService, TopicDefinition } from '@hosp/contracts';
import type { EntityClass, MigrationClass } from '@hosp/platform-persistence';

export interface ServiceDefinition {
  service: PlatformService;
  /** One line for the OpenAPI document and the startup banner. */
  title: string;
  defaultPort: number;
  /** The service's own migrations, applied after the platform's outbox/inbox migration. */
  migrations: MigrationClass[];
  entities?: EntityClass[];
  /** Catalogue topics this service writes to its outbox: created at startup when missing. */
  produces: readonly TopicDefinition[];
}

export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');

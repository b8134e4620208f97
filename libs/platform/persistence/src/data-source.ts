import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;
export type EntityClass = new (...args: never[]) => object;
import { ensureDatabase } from './ensure-database';

export interface ServiceDataSourceOptions {
  url: string;
  /** Migrations in order: the platform's (outbox/inbox) first, then the service's own. */
  migrations: MigrationClass[];
  entities?: EntityClass[];
  poolSize?: number;
  applicationName?: string;
}

/** TypeORM options every service uses: PostgreSQL, migrations only (never `synchronize`). */
export function serviceDataSourceOptions(o: ServiceDataSourceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: o.url,
    entities: o.entities ?? [],
    migrations: o.migrations,
    migrationsTableName: 'platform_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error', 'warn', 'migration'],
    applicationName: o.applicationName,
    extra: { max: o.poolSize ?? 10, connectionTimeoutMillis: 5_000 },
  };
}

/** Creates the database if needed, connects, and applies pending migrations. */
export async function openServiceDataSource(o: ServiceDataSourceOptions): Promise<DataSource> {
  await ensureDatabase(o.url);
  const ds = new DataSource(serviceDataSourceOptions(o));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

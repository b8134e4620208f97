export * from './database-settings';
export * from './ensure-database';
export * from './data-source';

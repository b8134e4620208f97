export * from './service-definition';
export * from './kafka.providers';
export * from './health.controller';
export * from './platform.module';
export * from './bootstrap';
export * from './event-consumers';
export * from './http';
export * from './service-events';

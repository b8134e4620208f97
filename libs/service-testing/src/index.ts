export * from './service/boot-service';
export * from './service/service-conformance';
export * from './service/events';
export * from './service/http';
export * from './service/auth';

export * from './service/boot-service';
export * from './service/service-conformance';

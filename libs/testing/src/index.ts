export * from './stack/workspace';
export * from './stack/process-util';
export * from './stack/kafka-cluster';
export * from './stack/postgres-server';
export * from './stack/stack';
export * from './harness/test-stack';
export * from './harness/isolation';

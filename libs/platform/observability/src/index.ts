export * from './correlation';
export * from './logging';
export * from './metrics.controller';

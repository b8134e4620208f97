export * from './api-errors';
export * from './api-error.filter';
export * from './validation';
export * from './request-context';

export * from './frame-decoder';
export * from './mllp-client';
export * from './mllp-server';

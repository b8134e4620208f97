export * from './roles';
export * from './access';
export * from './auth-config';
export * from './token-verifier';
export * from './auth.guard';
export * from './auth.module';
export * from './dev-issuer';
export * from './dev-issuer-server';

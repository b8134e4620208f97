import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { authConfigFromEnv } from './auth-config';
import { AuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

/**
 * Authentication for every HTTP route of a service: registered by the platform module, so no service can forget
 * it. The configuration is read when the application boots (not when the file is imported).
 */
@Module({})
export class AuthModule {
  static forRoot(): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TokenVerifier, useFactory: () => new TokenVerifier(authConfigFromEnv()) },
        AuthGuard,
        { provide: APP_GUARD, useExisting: AuthGuard },
      ],
      exports: [AuthGuard, TokenVerifier],
    };
  }
}

import { type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AUDIT_SOURCE } from './audit-source';
import type { AuditSource } from './export/fhir-audit-event';
import { SyslogExportLifecycle } from './export/syslog-export.lifecycle';
import { AuditController } from './http/audit.controller';
import { registerAuditMetrics } from './metrics';
import { AuditInterceptor } from './recording/audit.interceptor';
import { AuditTrail } from './recording/audit-trail';
import { AuthRefusalRecorder } from './recording/auth-refusals';

/**
 * The audit trail of a service (docs/adr/0010-audit-trail.md): the `AuditTrail` recorder (global, for any
 * provider to inject), the interceptor recording every controller request, the recorder of refused tokens,
 * `/audit/*` (auditors only), and the ATNA syslog export when configured. PlatformModule imports it with the service's name; the service's database gets
 * the table through the `PlatformAudit1763700000010` migration.
 */
@Module({})
export class AuditModule implements OnApplicationBootstrap {
  static forService(service: string): DynamicModule {
    return {
      module: AuditModule,
      global: true,
      controllers: [AuditController],
      providers: [
        // A factory, so FACILITY_CODE is read when the application boots, not when the module file is imported.
        {
          provide: AUDIT_SOURCE,
          useFactory: (): AuditSource => {
            const facility = process.env['FACILITY_CODE'];
            return { service, ...(facility ? { facility } : {}) };
          },
        },
        AuditTrail,
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        AuthRefusalRecorder,
        SyslogExportLifecycle,
      ],
      exports: [AuditTrail, AUDIT_SOURCE],
    };
  }

  onApplicationBootstrap(): void {
    registerAuditMetrics();
  }
}

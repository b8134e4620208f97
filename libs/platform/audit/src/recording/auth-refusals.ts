import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuthGuard } from '@hosp/platform-auth';
import { DicomAuditEvent } from '../model/audit-record';
import { AuditTrail } from './audit-trail';
import { classifyHttp } from './http-audit';
import { type AuditedRequest, requestParty } from './request-party';

/**
 * Records every token the platform's AuthGuard refuses (missing, malformed, expired, wrong issuer or audience,
 * bad signature) as a failed user authentication: DICOM 110114, action E, outcome failure, HTTP 401, the
 * guard's code as detail, and what was attempted (route, resource, patient). Guards run before interceptors, so these requests
 * never reach the AuditInterceptor; the guard tells its listeners instead (docs/adr/0011-authentication.md).
 */
@Injectable()
export class AuthRefusalRecorder implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly trail: AuditTrail,
  ) {}

  onModuleInit(): void {
    let guard: AuthGuard;
    try {
      guard = this.moduleRef.get(AuthGuard, { strict: false });
    } catch {
      return; // an application without the platform's authentication (a unit test module)
    }
    guard.onDenied((req, code) => {
      const r = req as AuditedRequest & {
        route?: { path?: unknown };
        params?: Record<string, unknown>;
        query?: Record<string, unknown>;
      };
      const route = typeof r.route?.path === 'string' ? r.route.path : (req.url ?? '/').split('?')[0];
      const attempted = classifyHttp({
        method: req.method ?? 'GET',
        route,
        params: r.params ?? {},
        query: r.query ?? {},
      });
      // An authenticated user refused by the access policy (403): the actor is the verified subject.
      this.trail.record({
        ...requestParty(r),
        action: attempted.action,
        eventType: attempted.eventType,
        what: attempted.what,
        entityType: attempted.entityType,
        entityId: attempted.entityId,
        patientId: attempted.patientId,
        outcome: 'failure',
        status: 403,
        detail: code,
      });
    });
    guard.onFailure((req, code) => {
      const r = req as AuditedRequest & {
        route?: { path?: unknown };
        params?: Record<string, unknown>;
        query?: Record<string, unknown>;
      };
      const route = typeof r.route?.path === 'string' ? r.route.path : (req.url ?? '/').split('?')[0];
      // What was attempted (route, resource, patient): the route is matched before guards run.
      const attempted = classifyHttp({
        method: req.method ?? 'GET',
        route,
        params: r.params ?? {},
        query: r.query ?? {},
      });
      this.trail.record({
        ...requestParty(r),
        // No verified subject: whatever the token claims is not evidence of who sent it.
        actor: undefined,
        actorRoles: [],
        clientId: undefined,
        action: 'E',
        eventType: DicomAuditEvent.UserAuthentication,
        what: attempted.what,
        entityType: attempted.entityType,
        entityId: attempted.entityId,
        patientId: attempted.patientId,
        outcome: 'failure',
        status: 401,
        detail: code,
      });
    });
  }
}

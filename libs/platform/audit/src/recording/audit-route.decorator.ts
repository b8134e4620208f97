import { SetMetadata } from '@nestjs/common';
import type { AuditAction } from '../model/audit-record';

export interface AuditRouteOptions {
  /**
   * Do not record requests to this handler, and say why (the reason is the review trail). For traffic
   * already audited elsewhere or carrying no user's access to patient data; never for patient reads.
   */
  skip?: string;
  /** Overrides the derived FHIR action (e.g. a POST that only queries: `E`). */
  action?: AuditAction;
  /** Overrides the derived event type (a DICOM PS3.16 CID 400 code). */
  eventType?: string;
}

export const AUDIT_ROUTE = 'hosp:audit-route';

/** Per-handler (or per-controller) adjustments to what the AuditInterceptor records. */
export const AuditRoute = (options: AuditRouteOptions) => SetMetadata(AUDIT_ROUTE, options);

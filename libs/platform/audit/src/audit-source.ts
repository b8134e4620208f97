/** Injection token of the AuditSource (service name and facility) the exports name as the observer. */
export const AUDIT_SOURCE = Symbol('AUDIT_SOURCE');

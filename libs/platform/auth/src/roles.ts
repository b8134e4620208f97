/**
 * The roles the platform checks (security issue; TT 13/2025 requires role-based access). A token carries them in
 * a `roles` claim, or where Keycloak puts them (`realm_access.roles`, `resource_access.<audience>.roles`).
 * `service` is a machine client (client-credentials grant) acting for another system.
 */
export const ROLES = [
  'receptionist',
  'physician',
  'nurse',
  'lab-technician',
  'lab-validator',
  'radiographer',
  'radiologist',
  'billing-clerk',
  'insurance-officer',
  'integration-admin',
  'auditor',
  'service',
] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);

/** Who is calling, as the verified token says. */
export interface Principal {
  /** The token's subject: a user id, or the client id of a machine client. */
  readonly sub: string;
  readonly roles: readonly Role[];
  /** The department the user works in (MA_KHOA), from the `department` claim. */
  readonly department?: string;
  /** The OAuth client that obtained the token (`azp` or `client_id`). */
  readonly clientId?: string;
  /** OAuth scopes (space-separated `scope` claim), e.g. SMART-on-FHIR `user/Patient.read`. */
  readonly scopes: readonly string[];
}

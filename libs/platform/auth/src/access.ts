import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export const ACCESS_POLICY = 'hosp:access-policy';

/**
 * Who may call a controller or a handler. Reads (GET, HEAD) need one of `read`, every other method one of
 * `write`. A handler's policy replaces its controller's. A route with no policy at all is refused (403
 * NO_ACCESS_POLICY): access is closed unless it is declared.
 */
export interface AccessPolicy {
  readonly read?: readonly Role[];
  readonly write?: readonly Role[];
  readonly public?: boolean;
}

/** Per-operation access: `@Access({ read: ['physician', 'nurse'], write: ['physician'] })`. */
export const Access = (policy: { read: readonly Role[]; write: readonly Role[] }) =>
  SetMetadata(ACCESS_POLICY, policy satisfies AccessPolicy);

/** The same roles for reading and writing, e.g. on one handler: `@Roles('radiologist')`. */
export const Roles = (...roles: Role[]) =>
  SetMetadata(ACCESS_POLICY, { read: roles, write: roles } satisfies AccessPolicy);

/** No token needed: health and metrics only (they expose no patient data). */
export const Public = () => SetMetadata(ACCESS_POLICY, { public: true } satisfies AccessPolicy);

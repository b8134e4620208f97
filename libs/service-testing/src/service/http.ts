import type { Role } from '@hosp/platform-auth';
import { tokenFor } from './auth';
import type { BootedService } from './boot-service';

export interface JsonResponse {
  status: number;
  // Tests assert on the shape they expect; the body is whatever the service answered.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export type JsonApi = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<JsonResponse>;

export interface JsonApiOptions {
  /** The roles of the acting user's token (default: every role). */
  roles?: readonly Role[];
  /** Send no token at all. */
  anonymous?: boolean;
}

/**
 * A JSON client for a booted service: status and parsed body, never throwing on 4xx/5xx. Each call carries a
 * bearer token from the test issuer for the acting user, named by the `x-actor-id` header (default or per call;
 * `test-user` when absent), unless the call sets `authorization` itself.
 */
export function jsonApi(
  booted: BootedService,
  defaultHeaders: Record<string, string> = {},
  options: JsonApiOptions = {},
): JsonApi {
  return async (method, path, body, headers = {}) => {
    const all: Record<string, string> = { 'content-type': 'application/json', ...defaultHeaders, ...headers };
    if (!options.anonymous && !all['authorization'])
      all['authorization'] = `Bearer ${await tokenFor(all['x-actor-id'] ?? 'test-user', options.roles)}`;
    const res = await fetch(`${booted.baseUrl}${path}`, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  };
}

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

/** A JSON client for a booted service: status and parsed body, never throwing on 4xx/5xx. */
export function jsonApi(booted: BootedService, defaultHeaders: Record<string, string> = {}): JsonApi {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${booted.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...defaultHeaders, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

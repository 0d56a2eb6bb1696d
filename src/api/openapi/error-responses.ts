// The error answers a route declares, by status: every one is the catalogue's error body
// (src/core/errors.ts) under the `Error` component. Routes list exactly the statuses they can answer;
// src/api/openapi/finish-document.ts adds descriptions and one example per catalogue code.
import { errorResponse } from '../schemas.ts';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

/** Every /v1 route: a bad key (401), a key for another endpoint (403), rate limits (429), a fault (500). */
const ALWAYS = [401, 403, 429, 500] as const;
/** Routes that take a body: bad JSON or schema (400), too large (413), not JSON (415), shutting down (503). */
export const WITH_BODY = [400, 413, 415] as const;

export function errorResponses(
  ...statuses: readonly ErrorStatus[]
): Record<ErrorStatus, typeof errorResponse> {
  const out: Partial<Record<ErrorStatus, typeof errorResponse>> = {};
  for (const s of [...ALWAYS, ...statuses].sort((a, b) => a - b)) out[s] = errorResponse;
  return out as Record<ErrorStatus, typeof errorResponse>;
}

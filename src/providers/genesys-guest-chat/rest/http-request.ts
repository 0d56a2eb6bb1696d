// One HTTP exchange with Genesys: timeout + caller abort, JSON in/out, zod parsing of the answer,
// and translation of every failure into the error catalogue (../errors.ts). Nothing here logs, and
// nothing puts the JWT or the Authorization header into an error.
import type { z } from 'zod';
import {
  GenesysAbortedError,
  GenesysApiError,
  GenesysNetworkError,
  GenesysResponseError,
  GenesysTimeoutError,
} from '../errors.ts';
import { childController, releaseChild } from '../../../core/concurrency/stop-fanout.ts';
import { parseRetryAfter } from '../../../core/retry/retry-after.ts';
import type { Scheduler, TimerHandle } from '../../../core/ports/scheduler.ts';
import { ErrorBodySchema } from '../wire/error-body.ts';
import type { InFlightLimit } from '../../../core/concurrency/in-flight-limit.ts';
import { parseProviderJson } from '../../../core/text/safe-text.ts';
import type { PooledRequestInit, PooledResponse } from '../../../http/pooled-request.ts';

/** What an exchange sends: a subset of fetch's RequestInit, so a fetch function fits too. */
export type GenesysRequestInit = PooledRequestInit & {
  readonly method: HttpCall<undefined>['method'];
  readonly redirect: 'manual';
};

/** What an exchange reads of the answer: a subset of fetch's Response. */
export type GenesysResponse = PooledResponse;

/** One HTTP exchange. Default: src/http/pooled-request.ts (undici); any fetch function fits too. */
export type FetchLike = (input: string, init: GenesysRequestInit) => Promise<GenesysResponse>;

export interface HttpSettings {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly userAgent: string | undefined;
  /** The per-call timeout's timer. */
  readonly scheduler: Scheduler;
  /** Exchanges in flight at once; the others wait in line (the timeout runs from their turn). */
  readonly limit: InFlightLimit;
}

export type QueryValue = string | number | boolean | undefined;

export interface HttpCall<S extends z.ZodType | undefined> {
  /** Operation name for errors, e.g. `getMember`. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Root-relative path, already encoded. */
  readonly path: string;
  /** Undefined values are omitted (the SDK's empty values, §4, are never sent). */
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  /** Guest JWT; absent only for create (§3.1). */
  readonly jwt?: string;
  /** Response schema; `undefined` for 204-only operations (DELETE member, §5.8). */
  readonly schema: S;
  readonly signal: AbortSignal;
  /** Overrides the client's default timeout for this call. */
  readonly timeoutMs?: number | undefined;
}

type Result<S> = S extends z.ZodType ? z.output<S> : undefined;

export function buildUrl(
  baseUrl: string,
  path: string,
  query?: Readonly<Record<string, QueryValue>>,
): string {
  // Most calls (a send, a member read) have no query: the URL is the two strings, not parsed here
  // and again by the HTTP client (the base URL is normalised once, regions.ts; the path is encoded).
  if (query === undefined || Object.values(query).every((v) => v === undefined)) return baseUrl + path;
  const url = new URL(baseUrl + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.href;
}

export async function httpRequest<S extends z.ZodType | undefined>(
  settings: HttpSettings,
  call: HttpCall<S>,
): Promise<Result<S>> {
  const { operation, signal } = call;
  if (signal.aborted) throw new GenesysAbortedError(operation);
  const timeoutMs = call.timeoutMs ?? settings.timeoutMs;

  // One controller for both the caller's abort and our timeout; the timer covers reading the body.
  // It follows the caller's signal through the stop registry: callers share one signal (the
  // engine's stop signal) across all their calls, and a listener each on it was O(calls in flight)
  // per add and remove, and past 10 a MaxListenersExceededWarning.
  const controller = childController(signal);
  let timedOut = false;
  let timer: TimerHandle | undefined;

  const failure = (cause: unknown): Error => {
    if (signal.aborted) return new GenesysAbortedError(operation);
    if (timedOut) return new GenesysTimeoutError(operation, timeoutMs);
    return new GenesysNetworkError(operation, cause);
  };

  try {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (call.body !== undefined) headers['Content-Type'] = 'application/json';
    if (call.jwt !== undefined) headers.Authorization = `Bearer ${call.jwt}`;
    if (settings.userAgent !== undefined) headers['User-Agent'] = settings.userAgent;

    // The exchange holds a connection until its body is read: that is what the limit counts. The
    // timeout starts with the exchange, not in the line: a call that waited its turn still gets its
    // full time (else a burst times out in the line and its retries make the line longer).
    const { response, text } = await settings.limit
      .run(controller.signal, async () => {
        timer = settings.scheduler.after(timeoutMs, () => {
          timedOut = true;
          controller.abort();
        });
        const response = await settings.fetch(buildUrl(settings.baseUrl, call.path, call.query), {
          method: call.method,
          headers,
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          signal: controller.signal,
          // Never follow: the JWT must not travel to another URL. A 3xx surfaces as a permanent GenesysApiError.
          redirect: 'manual',
        });
        return { response, text: await response.text() };
      })
      .catch((err: unknown) => {
        throw failure(err);
      });

    const correlationId = response.headers.get('inin-correlation-id') ?? undefined;
    if (!response.ok) throw apiError(operation, response, text, correlationId, call.jwt);

    if (call.schema === undefined) return undefined as Result<S>;
    let json: unknown;
    try {
      json = parseProviderJson(text);
    } catch (err) {
      throw new GenesysResponseError({
        operation,
        status: response.status,
        correlationId,
        issues: ['body is not JSON'],
        cause: err,
      });
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) {
      throw new GenesysResponseError({
        operation,
        status: response.status,
        correlationId,
        issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
    }
    return parsed.data as Result<S>;
  } finally {
    timer?.cancel();
    releaseChild(signal, controller);
  }
}

function apiError(
  operation: string,
  response: GenesysResponse,
  text: string,
  headerCorrelationId: string | undefined,
  jwt: string | undefined,
): GenesysApiError {
  let body: ReturnType<typeof ErrorBodySchema.parse> | undefined;
  try {
    const parsed = ErrorBodySchema.safeParse(parseProviderJson(text));
    if (parsed.success) body = parsed.data;
  } catch {
    // Not JSON (a proxy's HTML page, an empty 503): status alone still classifies the error.
  }
  return new GenesysApiError({
    operation,
    status: response.status,
    genesysCode: body?.code,
    genesysMessage: redact(body?.message, jwt),
    correlationId: headerCorrelationId ?? body?.contextId,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
    messageParams:
      body?.messageParams &&
      Object.fromEntries(Object.entries(body.messageParams).map(([k, v]) => [k, redact(v, jwt) ?? ''])),
  });
}

/** Defence in depth: a server echoing the token back must not put it into our error message. */
function redact(text: string | undefined, secret: string | undefined): string | undefined {
  if (text === undefined || secret === undefined || secret === '') return text;
  return text.split(secret).join('[REDACTED]');
}

// One HTTP exchange with Genesys: timeout on the injected Scheduler, caller abort, JSON (or form)
// in, zod-parsed JSON out, every failure translated into the error catalogue (../errors.ts).
// Nothing here logs; no header, token or request body ever goes into an error.
import type { z } from 'zod';
import { childController, releaseChild } from '../../../core/concurrency/stop-fanout.ts';
import type { Clock } from '../../../core/ports/clock.ts';
import type { Scheduler } from '../../../core/ports/scheduler.ts';
import { parseRetryAfter } from '../../../core/retry/retry-after.ts';
import {
  OpenMessagingAbortedError,
  OpenMessagingApiError,
  OpenMessagingNetworkError,
  OpenMessagingResponseError,
  OpenMessagingTimeoutError,
} from '../errors.ts';
import { PlatformErrorBodySchema } from '../wire/error-body.ts';
import { redact } from './redact.ts';
import { parseProviderJson } from '../../../core/text/safe-text.ts';
import type { PooledRequestInit, PooledResponse } from '../../../http/pooled-request.ts';

/** One HTTP exchange. Default: src/http/pooled-request.ts (undici); any fetch function fits too. */
export type FetchLike = (
  input: string,
  init: PooledRequestInit & { readonly redirect: 'manual' },
) => Promise<PooledResponse>;

export interface HttpSettings {
  readonly fetch: FetchLike;
  /** Default per-request timeout, ms. */
  readonly timeoutMs: number;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly userAgent: string | undefined;
  /** Each exchange: operation, HTTP status (`network` when no answer came) and seconds to the answer (metrics). */
  readonly onCall?: (operation: string, status: string, seconds: number) => void;
}

export type QueryValue = string | number | boolean | undefined;

/** What an error answer turns into; the default reads a Platform ErrorBody. */
export type ErrorAnswerHandler = (answer: ErrorAnswer) => Error;

export interface ErrorAnswer {
  readonly operation: string;
  readonly status: number;
  readonly text: string;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly secrets: readonly string[];
}

export interface HttpCall<S extends z.ZodType | undefined> {
  /** Operation name for errors, e.g. `getConversation`. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL without query. */
  readonly url: string;
  /** Undefined values are omitted. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** A JSON body, or a form body (the token request, §1.2). */
  readonly body?: { readonly json: unknown } | { readonly form: string };
  /** The whole `Authorization` header value (`Bearer …` / `Basic …`). */
  readonly authorization?: string;
  /** Response schema; `undefined` when the answer has no body we read (PATCH participant, §5). */
  readonly schema: S;
  readonly signal: AbortSignal;
  /** Overrides the default timeout for this call, ms. */
  readonly timeoutMs?: number | undefined;
  /** Strings cut out of any error text Genesys echoes back (the token, the texts we sent). */
  readonly secrets?: readonly string[];
  readonly onErrorAnswer?: ErrorAnswerHandler;
}

export type HttpResult<S> = S extends z.ZodType ? z.output<S> : undefined;

export function buildUrl(url: string, query?: Readonly<Record<string, QueryValue>>): string {
  const u = new URL(url);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) u.searchParams.set(key, String(value));
  }
  return u.href;
}

export async function httpRequest<S extends z.ZodType | undefined>(
  settings: HttpSettings,
  call: HttpCall<S>,
): Promise<HttpResult<S>> {
  const { operation, signal } = call;
  if (signal.aborted) throw new OpenMessagingAbortedError(operation);
  const timeoutMs = call.timeoutMs ?? settings.timeoutMs;

  // One controller for both the caller's abort and our timeout; the timer covers reading the body.
  // It follows the caller's signal through the stop registry, as the guest-chat client's does:
  // callers share one signal (a session's, the provider's stop) across their calls, and a listener
  // each on it was O(calls in flight) per add and remove, and past 10 a MaxListenersExceededWarning
  // (seen in the PostgreSQL chaos run).
  const controller = childController(signal);
  let timedOut = false;
  const timer = settings.scheduler.after(timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });

  const failure = (cause: unknown): Error => {
    if (signal.aborted) return new OpenMessagingAbortedError(operation);
    if (timedOut) return new OpenMessagingTimeoutError(operation, timeoutMs);
    return new OpenMessagingNetworkError(operation, cause);
  };

  try {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (call.body !== undefined && 'json' in call.body) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(call.body.json);
    } else if (call.body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = call.body.form;
    }
    if (call.authorization !== undefined) headers.Authorization = call.authorization;
    if (settings.userAgent !== undefined) headers['User-Agent'] = settings.userAgent;

    let response: PooledResponse;
    let text: string;
    const started = performance.now();
    const observe = (status: string): void =>
      settings.onCall?.(operation, status, (performance.now() - started) / 1000);
    try {
      response = await settings.fetch(buildUrl(call.url, call.query), {
        method: call.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
        // Never follow: the token must not travel to another host. A 3xx is a permanent API error.
        redirect: 'manual',
      });
      text = await response.text();
    } catch (err) {
      observe('network');
      throw failure(err);
    }
    observe(String(response.status));

    const correlationId = response.headers.get('inin-correlation-id') ?? undefined;
    if (!response.ok) {
      const answer: ErrorAnswer = {
        operation,
        status: response.status,
        text,
        correlationId,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), settings.clock.now().getTime()),
        secrets: call.secrets ?? [],
      };
      throw (call.onErrorAnswer ?? platformApiError)(answer);
    }

    if (call.schema === undefined) return undefined as HttpResult<S>;
    let json: unknown;
    try {
      json = parseProviderJson(text);
    } catch {
      throw new OpenMessagingResponseError({
        operation,
        status: response.status,
        correlationId,
        issues: ['body is not JSON'],
      });
    }
    const parsed = call.schema.safeParse(json);
    if (!parsed.success) {
      throw new OpenMessagingResponseError({
        operation,
        status: response.status,
        correlationId,
        issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      });
    }
    return parsed.data as HttpResult<S>;
  } finally {
    timer.cancel();
    releaseChild(signal, controller);
  }
}

/** A Platform ErrorBody (§1.4) — or no body at all: the status alone still classifies the error. */
export function platformApiError(answer: ErrorAnswer): OpenMessagingApiError {
  const body = parseJson(answer.text, PlatformErrorBodySchema);
  return new OpenMessagingApiError({
    operation: answer.operation,
    status: answer.status,
    genesysCode: body?.code,
    genesysMessage: redact(body?.message, answer.secrets),
    correlationId: answer.correlationId ?? body?.contextId,
    retryAfterMs: answer.retryAfterMs,
  });
}

export function parseJson<S extends z.ZodType>(text: string, schema: S): z.output<S> | undefined {
  try {
    const parsed = schema.safeParse(parseProviderJson(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// One HTTP POST of one signed event, classified for the retry policy. Never throws: every failure
// becomes a result with a short, secret-free reason (no URL, no body, no headers).
import { Agent } from '../../http/undici-agent.ts';
import { dispatchExchange } from '../../http/dispatch-exchange.ts';
import { childController, releaseChild } from '../../core/concurrency/stop-fanout.ts';
import type { SignedWebhook } from './sign.ts';

/** What an attempt sends: a subset of fetch's RequestInit, so a fetch function fits too. */
export interface WebhookRequestInit {
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly redirect: 'manual';
  readonly signal: AbortSignal;
}

/** What an attempt reads of the answer: a subset of fetch's Response. */
export interface WebhookResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body?: { cancel(): Promise<void> } | null;
}

export type FetchLike = (url: string, init: WebhookRequestInit) => Promise<WebhookResponse>;

/**
 * The default client's keep-alive pool: undici's, of its own. Not the global dispatcher: whoever calls
 * `fetch` first in the process may have put Node's bundled undici there, whose dispatcher speaks an
 * older handler API than the exchange's.
 */
let pool: Agent | undefined;

/**
 * The default client: undici through its dispatcher API (src/http/dispatch-exchange.ts): what
 * `fetch` does here at a fraction of the CPU (no WHATWG streams and Response objects per call: a
 * third of the webhook path's cost, issue 12), without the body stream of undici's own `request`
 * either. The answer's body is read and dropped (its status is all that counts), and a redirect is
 * never followed.
 */
export const requestWebhook: FetchLike = async (url, init) => {
  const answer = await dispatchExchange((pool ??= new Agent()), url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    keepBody: false,
  });
  return {
    status: answer.status,
    headers: { get: (name) => answer.header(name) },
    body: null,
  };
};

export type AttemptResult =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly status?: number;
      /** The receiver asked us to wait (429/503 Retry-After header), raw header value. */
      readonly retryAfter?: string;
      /** The receiver said the resource is gone for good (410): retrying is pointless. */
      readonly permanent: boolean;
      /** Aborted by shutdown, not the receiver's fault: record nothing, redeliver later. */
      readonly cancelled: boolean;
    };

export interface AttemptOptions {
  readonly fetch: FetchLike;
  readonly url: string;
  readonly request: SignedWebhook;
  readonly timeoutMs: number;
  /** Aborts on dispatcher shutdown. */
  readonly signal: AbortSignal;
}

const USER_AGENT = 'genesys-handover-webhooks/1';

export async function postWebhook(options: AttemptOptions): Promise<AttemptResult> {
  // One controller per attempt, aborted by shutdown or by its own timer. Not AbortSignal.timeout +
  // AbortSignal.any: that is three signals, a timer and (Node 20) a WeakRef per delivery, ~2 % of
  // the agent → bot path's CPU (issue 12). Nor AbortSignal.any on the dispatcher's shutdown signal
  // itself: on Node 20 each call leaves a WeakRef on its sources until they abort — one per delivery
  // on a signal that lives as long as the process. A child of it (stop-fanout.ts), released at the
  // end, leaves nothing behind.
  const stop = childController(options.signal);
  const timer = setTimeout(() => {
    stop.abort(new DOMException(`timed out after ${options.timeoutMs} ms`, 'TimeoutError'));
  }, options.timeoutMs);
  timer.unref(); // like AbortSignal.timeout's: the request itself keeps the process alive
  try {
    const res = await options.fetch(options.url, {
      method: 'POST',
      headers: { ...options.request.headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body: options.request.body,
      // A redirect could move a signed payload to a host the operator never configured: treat 3xx as failure.
      redirect: 'manual',
      signal: stop.signal,
    });
    // The body is not read: the receiver's answer carries no meaning beyond its status. Cancel to free the socket.
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const retryAfter = res.status === 429 || res.status === 503 ? res.headers.get('retry-after') : null;
    return {
      ok: false,
      reason: `HTTP ${res.status}`,
      status: res.status,
      ...(retryAfter === null ? {} : { retryAfter }),
      permanent: res.status === 410,
      cancelled: false,
    };
  } catch (err) {
    if (options.signal.aborted)
      return { ok: false, reason: 'cancelled by shutdown', permanent: false, cancelled: true };
    // Not shutdown, so the only other hand that aborts `stop`: the timer.
    if (stop.signal.aborted)
      return {
        ok: false,
        reason: `timed out after ${options.timeoutMs} ms`,
        permanent: false,
        cancelled: false,
      };
    return {
      ok: false,
      reason: `network error: ${describeNetworkError(err)}`,
      permanent: false,
      cancelled: false,
    };
  } finally {
    clearTimeout(timer);
    releaseChild(options.signal, stop);
  }
}

/** undici wraps the socket error in `cause`; its `code` (ECONNREFUSED …) is what an operator needs. */
function describeNetworkError(err: unknown): string {
  // undici puts the socket's code on the error itself.
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  if (err instanceof Error) return err.name === 'TypeError' ? 'fetch failed' : err.name;
  return 'unknown';
}

// One HTTP POST of one signed event, classified for the retry policy. Never throws: every failure
// becomes a result with a short, secret-free reason (no URL, no body, no headers).
import type { SignedWebhook } from './sign.ts';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

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
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await options.fetch(options.url, {
      method: 'POST',
      headers: { ...options.request.headers, 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body: options.request.body,
      // A redirect could move a signed payload to a host the operator never configured: treat 3xx as failure.
      redirect: 'manual',
      signal: AbortSignal.any([options.signal, timeout]),
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
    if (timeout.aborted)
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
  }
}

/** undici wraps the socket error in `cause`; its `code` (ECONNREFUSED …) is what an operator needs. */
function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  if (err instanceof Error) return err.name === 'TypeError' ? 'fetch failed' : err.name;
  return 'unknown';
}

// What a failed HTTP exchange says about itself, the same for every client that calls out (the
// Genesys guest-chat and Open Messaging clients): whether an error status is worth retrying, the
// system code of a network failure, and whether the request can have reached the server at all.
// One place, so the two providers cannot come to disagree on it.

/**
 * Statuses worth retrying: request timeout, rate limit, every 5xx (guest-chat protocol §11.1 and
 * §11.3; Open Messaging §1.4 uses Genesys' same rules).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * The system error code (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT, …) of a network failure: the code of
 * the error's own cause when it has one (undici wraps the socket's error), else the error's.
 */
export function systemErrorCode(failure: unknown): string | undefined {
  const inner = failure instanceof Error && failure.cause instanceof Error ? failure.cause : failure;
  return inner instanceof Error && 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
}

/** ` (CODE)` to end an error message with, or '' — only the code: it never carries request headers. */
export function describeCause(failure: unknown): string {
  const code = systemErrorCode(failure);
  return code === undefined ? '' : ` (${code})`;
}

/** Failures of the connect phase: the request never left, so the server cannot have acted on it. */
const CONNECT_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when the exchange failed while connecting (`failure` as the HTTP client threw it): nothing was
 * sent, so the outcome is certain — a retry cannot duplicate anything.
 */
export function failedToConnect(failure: unknown): boolean {
  const code = systemErrorCode(failure);
  return code !== undefined && CONNECT_ERRORS.has(code);
}

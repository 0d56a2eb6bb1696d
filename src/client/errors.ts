// What a failed call of the typed client throws. An answer of the gateway carries its stable error
// code (src/core/errors.ts, the `Error` component of the OpenAPI); branch on `code`, not on `message`.
import type { ErrorCode } from '../core/errors.ts';
import { errorResponse } from '../api/schemas.ts';

/** Codes of the client itself: the answer was not what the API promises (wrong shape, not JSON). */
export type ClientErrorCode = 'UNEXPECTED_RESPONSE';

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** A non-2xx answer of the gateway (or a 2xx whose body breaks the contract). */
export class GatewayApiError extends Error {
  readonly status: number;
  /** The gateway's stable code (e.g. `HANDOVER_NOT_ACTIVE`); a newer gateway may send one this client does not list. */
  readonly code: ErrorCode | ClientErrorCode | (string & {});
  readonly details: readonly ErrorDetail[];
  /** The `Retry-After` of a 429/503 answer, ms. */
  readonly retryAfterMs: number | undefined;
  /** ENDPOINT_CLOSED: when the endpoint opens next (ISO), when the gateway knows it. */
  readonly nextOpening: string | undefined;

  constructor(
    status: number,
    code: GatewayApiError['code'],
    message: string,
    options: {
      details?: readonly ErrorDetail[];
      retryAfterMs?: number | undefined;
      nextOpening?: string | null | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(`gateway answered ${status} ${code}: ${message}`, { cause: options.cause });
    this.name = 'GatewayApiError';
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
    this.retryAfterMs = options.retryAfterMs;
    this.nextOpening = options.nextOpening ?? undefined;
  }

  /** Worth trying again: the gateway is busy or briefly unavailable (429, 5xx). */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** Reads an error answer; an unknown code is kept as is, a body that is not the error shape becomes UNEXPECTED_RESPONSE. */
export async function errorFromResponse(
  res: Response,
  retryAfterMs: number | undefined,
): Promise<GatewayApiError> {
  const text = await res.text().catch(() => '');
  const parsed = safeJson(text);
  const strict = errorResponse.safeParse(parsed);
  if (strict.success) {
    const { code, message, details, nextOpening } = strict.data.error;
    return new GatewayApiError(res.status, code, message, {
      ...(details ? { details } : {}),
      retryAfterMs,
      nextOpening,
    });
  }
  // A code this client does not know yet (a newer gateway): still an error body.
  const loose = parsed as { error?: { code?: unknown; message?: unknown } } | undefined;
  if (typeof loose?.error?.code === 'string') {
    const message = typeof loose.error.message === 'string' ? loose.error.message : '';
    return new GatewayApiError(res.status, loose.error.code, message, { retryAfterMs });
  }
  return new GatewayApiError(res.status, 'UNEXPECTED_RESPONSE', `not an error body (${text.length} bytes)`, {
    retryAfterMs,
  });
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

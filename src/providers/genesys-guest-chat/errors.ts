// The guest-chat client's error catalogue. Every failure has a stable `code` callers can branch on
// and a retry classification. Messages are for people and never contain the guest JWT, the
// Authorization header or the eventStreamUri (which embeds the JWT, protocol §2.3).
import { describeCause, isRetryableStatus } from '../../http/exchange-failure.ts';

/** Statuses worth retrying (protocol §11.1, §11.3): the HTTP layer's rule, part of this client's API. */
export { isRetryableStatus };

export const GuestChatErrorCodes = {
  /** Genesys answered with a non-2xx status (protocol §11). */
  GENESYS_API_ERROR: 'GENESYS_API_ERROR',
  /** The request never got an HTTP answer (DNS, refused, reset). */
  GENESYS_NETWORK_ERROR: 'GENESYS_NETWORK_ERROR',
  /** No complete answer within the configured timeout. */
  GENESYS_TIMEOUT: 'GENESYS_TIMEOUT',
  /** A 2xx answer whose body is not JSON or does not match the expected schema. */
  GENESYS_BAD_RESPONSE: 'GENESYS_BAD_RESPONSE',
  /** The caller's AbortSignal fired. */
  GENESYS_ABORTED: 'GENESYS_ABORTED',
  /** The request was refused client-side before it was sent (e.g. a body over 4,000 characters). */
  GENESYS_INVALID_REQUEST: 'GENESYS_INVALID_REQUEST',
  /** Bad client configuration (unknown environment, malformed base URL). */
  GENESYS_INVALID_CONFIG: 'GENESYS_INVALID_CONFIG',
  /** The event stream could not be (re)established within the disconnect grace, or was refused. */
  GENESYS_STREAM_FAILED: 'GENESYS_STREAM_FAILED',
} as const;

export type GuestChatErrorCode = (typeof GuestChatErrorCodes)[keyof typeof GuestChatErrorCodes];

/** Base class of every error thrown by the guest-chat client. */
export abstract class GuestChatError extends Error {
  abstract readonly code: GuestChatErrorCode;
  /** True when the same request may succeed if sent again later. */
  abstract readonly isRetryable: boolean;

  /** True when sending the same request again cannot help. An aborted call is neither. */
  get isPermanent(): boolean {
    return !this.isRetryable && this.code !== GuestChatErrorCodes.GENESYS_ABORTED;
  }
}

export interface GenesysApiErrorInit {
  readonly status: number;
  /** Genesys' own error code from the ErrorBody, e.g. `chat.error.conversation.state` (§11). */
  readonly genesysCode?: string | undefined;
  /** Genesys' human message from the ErrorBody. */
  readonly genesysMessage?: string | undefined;
  /** `inin-correlation-id` header, else the body's `contextId` (§4). */
  readonly correlationId?: string | undefined;
  /** From the `Retry-After` header, in milliseconds (§11.3). */
  readonly retryAfterMs?: number | undefined;
  /** `messageParams` of the ErrorBody (e.g. `{ message: 'The conversation is not active' }`, §5.6). */
  readonly messageParams?: Readonly<Record<string, string>> | undefined;
  /** The operation, e.g. `sendMessage`; never a URL (URLs may carry ids callers treat as private). */
  readonly operation: string;
}

/** Genesys answered with an error status. */
export class GenesysApiError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_API_ERROR;
  override readonly name = 'GenesysApiError';
  readonly status: number;
  readonly genesysCode: string | undefined;
  readonly genesysMessage: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly messageParams: Readonly<Record<string, string>>;
  readonly operation: string;

  constructor(init: GenesysApiErrorInit) {
    super(
      `Genesys ${init.operation} failed with HTTP ${init.status}` +
        (init.genesysCode ? ` (${init.genesysCode})` : '') +
        (init.genesysMessage ? `: ${init.genesysMessage}` : ''),
    );
    this.status = init.status;
    this.genesysCode = init.genesysCode;
    this.genesysMessage = init.genesysMessage;
    this.correlationId = init.correlationId;
    this.retryAfterMs = init.retryAfterMs;
    this.messageParams = init.messageParams ?? {};
    this.operation = init.operation;
  }

  get isRetryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

/** The request did not reach Genesys or the connection broke before an answer. */
export class GenesysNetworkError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_NETWORK_ERROR;
  override readonly name = 'GenesysNetworkError';
  readonly isRetryable = true;
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`Genesys ${operation} failed: network error${describeCause(cause)}`, { cause });
    this.operation = operation;
  }
}

/** No complete answer within `timeoutMs`. */
export class GenesysTimeoutError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_TIMEOUT;
  override readonly name = 'GenesysTimeoutError';
  readonly isRetryable = true;
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number) {
    super(`Genesys ${operation} timed out after ${timeoutMs} ms`);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** A success status with a body that is not JSON or does not match the schema. */
export class GenesysResponseError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_BAD_RESPONSE;
  override readonly name = 'GenesysResponseError';
  readonly isRetryable = false;
  readonly operation: string;
  readonly status: number;
  readonly correlationId: string | undefined;
  /** Schema problems as `path: message`; never the offending values (they may hold the JWT). */
  readonly issues: readonly string[];

  constructor(init: {
    operation: string;
    status: number;
    correlationId?: string | undefined;
    issues: readonly string[];
    cause?: unknown;
  }) {
    super(
      `Genesys ${init.operation} returned an unexpected body (HTTP ${init.status}): ${init.issues.join('; ')}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.operation = init.operation;
    this.status = init.status;
    this.correlationId = init.correlationId;
    this.issues = init.issues;
  }
}

/** The caller aborted. Neither retryable nor permanent: the caller changed its mind. */
export class GenesysAbortedError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_ABORTED;
  override readonly name = 'GenesysAbortedError';
  readonly isRetryable = false;
  readonly operation: string;

  constructor(operation: string) {
    super(`Genesys ${operation} was aborted`);
    this.operation = operation;
  }
}

/** Refused before sending: the request breaks a documented limit (e.g. §12 message length). */
export class GuestChatRequestError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_INVALID_REQUEST;
  override readonly name = 'GuestChatRequestError';
  readonly isRetryable = false;
  readonly operation: string;

  constructor(operation: string, message: string) {
    super(`Genesys ${operation} refused client-side: ${message}`);
    this.operation = operation;
  }
}

/** Bad configuration of the client (environment, base URL). */
export class GuestChatConfigError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_INVALID_CONFIG;
  override readonly name = 'GuestChatConfigError';
  readonly isRetryable = false;
}

/**
 * The event stream ended before it ever opened (`GuestChatEventStream.open` rejects with this).
 * Not retryable: the stream already retried within the disconnect grace (protocol §9.7).
 */
export class GenesysStreamError extends GuestChatError {
  readonly code = GuestChatErrorCodes.GENESYS_STREAM_FAILED;
  override readonly name = 'GenesysStreamError';
  readonly isRetryable = false;
  /** Why the stream gave up, e.g. `grace-exceeded`, `rejected`, `invalid-uri`. */
  readonly reason: string;
  /** HTTP status of a refused WebSocket handshake, when that is the reason. */
  readonly status: number | undefined;

  constructor(reason: string, status?: number) {
    super(`Genesys event stream failed: ${reason}${status === undefined ? '' : ` (HTTP ${status})`}`);
    this.reason = reason;
    this.status = status;
  }
}

export function isGuestChatError(err: unknown): err is GuestChatError {
  return err instanceof GuestChatError;
}

/** Retry classification for anything thrown by this client; unknown errors are not retried. */
export function isRetryableGuestChatError(err: unknown): boolean {
  return err instanceof GuestChatError && err.isRetryable;
}

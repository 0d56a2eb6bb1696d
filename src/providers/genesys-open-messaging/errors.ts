// The Open Messaging client's error catalogue. Every failure has a stable `code` callers can branch
// on, a retry classification, and — for HTTP answers — the status, Genesys' own error code, the
// correlation id and Retry-After. Messages are for people: they never carry an access token, the
// client secret, the webhook secret, a Basic/Bearer header or the text of a customer's message.
import type { RetryVerdict } from '../../core/retry/retry.ts';
import { describeCause, isRetryableStatus } from '../../http/exchange-failure.ts';

export const OpenMessagingErrorCodes = {
  /** Genesys answered an API call with a non-2xx status (ErrorBody, protocol §1.4). */
  API_ERROR: 'OM_API_ERROR',
  /** The OAuth client credentials were refused (`invalid_client`, §1.4): fix the configuration. */
  AUTH_FAILED: 'OM_AUTH_FAILED',
  /** The request never got an HTTP answer (DNS, refused, reset). */
  NETWORK_ERROR: 'OM_NETWORK_ERROR',
  /** No complete answer within the configured timeout. */
  TIMEOUT: 'OM_TIMEOUT',
  /** A 2xx answer whose body is not JSON or does not match the expected schema. */
  BAD_RESPONSE: 'OM_BAD_RESPONSE',
  /** The caller's AbortSignal fired (or the client was closed). */
  ABORTED: 'OM_ABORTED',
  /** Refused client-side before sending: the request breaks the contract (§3, §6). */
  INVALID_REQUEST: 'OM_INVALID_REQUEST',
  /** Bad client configuration (unknown region, malformed base URL, bad limits). */
  INVALID_CONFIG: 'OM_INVALID_CONFIG',
  /** Every notification channel the client may use is full (§4.6: 1,000 topics × 20 channels). */
  NOTIFICATIONS_CAPACITY: 'OM_NOTIFICATIONS_CAPACITY',
  /** A notification channel could not be created, connected or subscribed. */
  NOTIFICATIONS_FAILED: 'OM_NOTIFICATIONS_FAILED',
  /** Genesys refused topics (`state: Rejected`, e.g. a missing permission, §10 q11). */
  SUBSCRIPTION_REJECTED: 'OM_SUBSCRIPTION_REJECTED',
} as const;

export type OpenMessagingErrorCode = (typeof OpenMessagingErrorCodes)[keyof typeof OpenMessagingErrorCodes];

/** Base class of every error thrown by the Open Messaging client. */
export abstract class OpenMessagingError extends Error {
  abstract readonly code: OpenMessagingErrorCode;
  /** True when the same request may succeed if sent again later. */
  abstract readonly isRetryable: boolean;

  /** True when sending the same request again cannot help. An aborted call is neither. */
  get isPermanent(): boolean {
    return !this.isRetryable && this.code !== OpenMessagingErrorCodes.ABORTED;
  }
}

export interface OpenMessagingApiErrorInit {
  /** The operation, e.g. `sendInboundMessage`; never a URL (paths carry conversation ids). */
  readonly operation: string;
  readonly status: number;
  /** Genesys' code from the ErrorBody, e.g. `bad.request`, `too.many.requests.retry.after` (§1.4). */
  readonly genesysCode?: string | undefined;
  /** Genesys' human message, with known secrets and message texts cut out. */
  readonly genesysMessage?: string | undefined;
  /** `inin-correlation-id` header, else the ErrorBody's `contextId`. */
  readonly correlationId?: string | undefined;
  /** From the `Retry-After` header, in milliseconds (§1.4 → guest-chat protocol §11.3). */
  readonly retryAfterMs?: number | undefined;
}

/** Genesys answered with an error status. */
export class OpenMessagingApiError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.API_ERROR;
  override readonly name = 'OpenMessagingApiError';
  readonly operation: string;
  readonly status: number;
  readonly genesysCode: string | undefined;
  readonly genesysMessage: string | undefined;
  readonly correlationId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: OpenMessagingApiErrorInit) {
    super(
      `Genesys ${init.operation} failed with HTTP ${init.status}` +
        (init.genesysCode ? ` (${init.genesysCode})` : '') +
        (init.genesysMessage ? `: ${init.genesysMessage}` : ''),
    );
    this.operation = init.operation;
    this.status = init.status;
    this.genesysCode = init.genesysCode;
    this.genesysMessage = init.genesysMessage;
    this.correlationId = init.correlationId;
    this.retryAfterMs = init.retryAfterMs;
  }

  /**
   * A 401 too: the token was refused (expired or revoked, §1.4) even after the transport renewed it
   * once; the next attempt gets another. Refused credentials fail at the token endpoint instead
   * (OpenMessagingAuthError, permanent) — a 401 here must not end a handover or give up a leave.
   */
  get isRetryable(): boolean {
    return this.status === 401 || isRetryableStatus(this.status);
  }
}

/**
 * The login service refused the client credentials (§1.4: `401 {"error":"invalid_client"}`, also
 * what a wrong region looks like). Permanent: retrying with the same id and secret cannot help.
 */
export class OpenMessagingAuthError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.AUTH_FAILED;
  override readonly name = 'OpenMessagingAuthError';
  readonly isRetryable = false;
  readonly status: number;
  /** The OAuth `error` field, e.g. `invalid_client`. */
  readonly oauthError: string | undefined;
  readonly correlationId: string | undefined;

  constructor(init: { status: number; oauthError?: string | undefined; correlationId?: string | undefined }) {
    super(
      `Genesys refused the OAuth client credentials (HTTP ${init.status}` +
        (init.oauthError ? `, ${init.oauthError}` : '') +
        '): check the client id, the client secret and the region',
    );
    this.status = init.status;
    this.oauthError = init.oauthError;
    this.correlationId = init.correlationId;
  }
}

/** The request did not reach Genesys or the connection broke before an answer. */
export class OpenMessagingNetworkError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.NETWORK_ERROR;
  override readonly name = 'OpenMessagingNetworkError';
  readonly isRetryable = true;
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super(`Genesys ${operation} failed: network error${describeCause(cause)}`, { cause });
    this.operation = operation;
  }
}

/** No complete answer within `timeoutMs`. */
export class OpenMessagingTimeoutError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.TIMEOUT;
  override readonly name = 'OpenMessagingTimeoutError';
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
export class OpenMessagingResponseError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.BAD_RESPONSE;
  override readonly name = 'OpenMessagingResponseError';
  readonly isRetryable = false;
  readonly operation: string;
  readonly status: number;
  readonly correlationId: string | undefined;
  /** Schema problems as `path: message`; never the offending values (they may hold a token or a text). */
  readonly issues: readonly string[];

  constructor(init: {
    operation: string;
    status: number;
    correlationId?: string | undefined;
    issues: readonly string[];
  }) {
    super(
      `Genesys ${init.operation} returned an unexpected body (HTTP ${init.status}): ${init.issues.join('; ')}`,
    );
    this.operation = init.operation;
    this.status = init.status;
    this.correlationId = init.correlationId;
    this.issues = init.issues;
  }
}

/** The caller aborted (or the client was closed). Neither retryable nor permanent. */
export class OpenMessagingAbortedError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.ABORTED;
  override readonly name = 'OpenMessagingAbortedError';
  readonly isRetryable = false;
  readonly operation: string;

  constructor(operation: string) {
    super(`Genesys ${operation} was aborted`);
    this.operation = operation;
  }
}

/** Refused before sending: the request breaks the contract (e.g. neither text nor content, §3.1). */
export class OpenMessagingRequestError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.INVALID_REQUEST;
  override readonly name = 'OpenMessagingRequestError';
  readonly isRetryable = false;
  readonly operation: string;
  /** Problems as `path: message`, never the values. */
  readonly issues: readonly string[];

  constructor(operation: string, issues: readonly string[]) {
    super(`Genesys ${operation} refused client-side: ${issues.join('; ')}`);
    this.operation = operation;
    this.issues = issues;
  }
}

/** Bad configuration of the client (region, base URLs, limits). */
export class OpenMessagingConfigError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.INVALID_CONFIG;
  override readonly name = 'OpenMessagingConfigError';
  readonly isRetryable = false;
}

/**
 * No channel has room for more topics and no more channels may be created (§4.6: 1,000 topics a
 * channel, 20 channels per OAuth client; one channel is kept spare for renewals). Retryable: room
 * appears when conversations are unwatched.
 */
export class NotificationsCapacityError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.NOTIFICATIONS_CAPACITY;
  override readonly name = 'NotificationsCapacityError';
  readonly isRetryable = true;
  readonly maxChannels: number;
  readonly maxTopicsPerChannel: number;

  constructor(maxChannels: number, maxTopicsPerChannel: number) {
    super(
      `no notification channel has room: at most ${maxChannels} channels × ${maxTopicsPerChannel} topics`,
    );
    this.maxChannels = maxChannels;
    this.maxTopicsPerChannel = maxTopicsPerChannel;
  }
}

/** A notification channel could not be opened (its WebSocket never connected, or was refused). */
export class NotificationsChannelError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.NOTIFICATIONS_FAILED;
  override readonly name = 'NotificationsChannelError';
  readonly isRetryable = true;
  /** Why, e.g. `connect-timeout`, `rejected`, `socket-closed`. */
  readonly reason: string;
  /** HTTP status of a refused WebSocket handshake, when that is the reason. */
  readonly status: number | undefined;

  constructor(reason: string, status?: number) {
    super(`Genesys notification channel failed: ${reason}${status === undefined ? '' : ` (HTTP ${status})`}`);
    this.reason = reason;
    this.status = status;
  }
}

/**
 * Genesys answered a subscription with `state: "Rejected"` for some topics (§4.6; the permission a
 * client-credentials token needs for conversation detail topics is [U], §10 q11). Permanent until
 * the OAuth client's role changes.
 */
export class NotificationsSubscriptionError extends OpenMessagingError {
  readonly code = OpenMessagingErrorCodes.SUBSCRIPTION_REJECTED;
  override readonly name = 'NotificationsSubscriptionError';
  readonly isRetryable = false;
  /** The refused topics with Genesys' reason and missing permissions. */
  readonly rejected: readonly {
    readonly topic: string;
    readonly reason: string | undefined;
    readonly missingPermissions: readonly string[];
  }[];

  constructor(rejected: NotificationsSubscriptionError['rejected']) {
    const permissions = [...new Set(rejected.flatMap((r) => r.missingPermissions))];
    super(
      `Genesys refused ${rejected.length} notification topic(s)` +
        (permissions.length > 0 ? `; missing permissions: ${permissions.join(', ')}` : ''),
    );
    this.rejected = rejected;
  }
}

/** Unknown errors are not retried. */
export function isRetryableOpenMessagingError(err: unknown): boolean {
  return err instanceof OpenMessagingError && err.isRetryable;
}

/**
 * `classify` for `core/retry`'s `retry()`: retryable errors get a verdict carrying Genesys'
 * Retry-After (so the backoff never retries earlier than asked), everything else `undefined`.
 * Note that a timed-out inbound message may have been accepted (§3.5: no documented dedupe):
 * retry it with the same `channel.messageId` and `channel.time`.
 */
export function classifyOpenMessagingError(err: unknown): RetryVerdict | undefined {
  if (!isRetryableOpenMessagingError(err)) return undefined;
  if (err instanceof OpenMessagingApiError && err.retryAfterMs !== undefined) {
    return { retryAfterMs: err.retryAfterMs };
  }
  return {};
}

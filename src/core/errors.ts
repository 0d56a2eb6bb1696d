// The error catalogue: every failure the gateway reports has a stable `code` that clients can
// branch on, an HTTP status for the API edge, and an optional `cause`. Codes never change meaning;
// new failures get new codes. Messages are for people and must never contain secrets.

export const ErrorCodes = {
  // Input and auth (4xx)
  VALIDATION_FAILED: { status: 400, message: 'The request is not valid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNAUTHENTICATED: { status: 401, message: 'A valid API key is required (Authorization: Bearer <key>).' },
  FORBIDDEN: { status: 403, message: 'This API key may not act on this endpoint.' },
  UNKNOWN_ENDPOINT: { status: 404, message: 'No endpoint with this id is configured.' },
  HANDOVER_NOT_FOUND: { status: 404, message: 'No handover with this id exists.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  HANDOVER_NOT_ACTIVE: { status: 409, message: 'The handover has ended or failed; it takes no more input.' },
  HANDOVER_ENDING: { status: 409, message: 'The handover is ending; it takes no more input.' },
  ENDPOINT_CLOSED: {
    status: 409,
    message: 'The endpoint is closed now (outside its business hours, a holiday or an emergency).',
  },
  NO_AGENT_AVAILABLE: {
    status: 409,
    message: 'No agent with the requested language and skills is available on the queue now.',
  },
  ATTACHMENTS_NOT_SUPPORTED: {
    status: 422,
    message:
      "This endpoint's contact-center path carries text only (guest chat); send a link as text instead.",
  },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, message: 'The webhook signature is missing or does not match.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests.' },
  LIMIT_REACHED: {
    status: 429,
    message: 'A limit of this API key or endpoint is reached (open handovers or event streams).',
  },
  // Dependencies (5xx)
  PROVIDER_UNAVAILABLE: { status: 502, message: 'The contact-center provider could not be reached.' },
  SHUTTING_DOWN: { status: 503, message: 'The gateway is shutting down.' },
  NOT_COMMITTED: { status: 503, message: 'The event could not be stored now; deliver it again.' },
  LEASE_LOST: {
    status: 503,
    message: 'Another gateway instance took this handover over; the change was not stored. Try again.',
  },
  INTERNAL: { status: 500, message: 'An internal error occurred.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. `customer.userId`. */
  readonly path: string;
  readonly message: string;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: readonly ErrorDetail[];
  /** Machine-readable facts of this failure, e.g. `nextOpening` of ENDPOINT_CLOSED; no secrets. */
  readonly data: Readonly<Record<string, string | number | boolean | null>>;

  constructor(
    code: ErrorCode,
    options: {
      message?: string;
      details?: readonly ErrorDetail[];
      data?: Readonly<Record<string, string | number | boolean | null>>;
      cause?: unknown;
    } = {},
  ) {
    super(
      options.message ?? ErrorCodes[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'GatewayError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.details = options.details ?? [];
    this.data = options.data ?? {};
  }

  /** The JSON body the API returns. Never includes `cause` (it may carry provider internals). */
  toJSON(): {
    error: { code: ErrorCode; message: string; details?: readonly ErrorDetail[] } & Record<string, unknown>;
  } {
    return {
      error: {
        ...this.data,
        code: this.code,
        message: this.message,
        ...(this.details.length ? { details: this.details } : {}),
      },
    };
  }
}

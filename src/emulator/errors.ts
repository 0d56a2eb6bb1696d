// Error bodies. Two audiences:
// - the guest API (Genesys' surface) answers every error with an ErrorBody (§6.14, §11.2) whose
//   contextId equals the response's inin-correlation-id header (§4);
// - the emulator's own agent/fault API answers `{ error: { code, message, details? } }` like the
//   gateway's API does (src/core/errors.ts), with stable snake_case codes.

export interface ErrorDetail {
  readonly errorCode?: string;
  readonly fieldName?: string;
  readonly entityId?: string;
  readonly entityName?: string;
}

/** §6.14 ErrorBody (the fields Genesys filled in the captured examples, §5.6 and §11.2). */
export interface ErrorBody {
  readonly message: string;
  readonly code: string;
  readonly status: number;
  readonly messageWithParams?: string;
  readonly messageParams?: Record<string, string>;
  readonly contextId: string;
  readonly details: readonly ErrorDetail[];
  readonly errors: readonly ErrorBody[];
}

/** A guest-API failure; the HTTP layer turns it into an ErrorBody. */
export class GuestApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageParams: Record<string, string> | undefined;
  readonly details: readonly ErrorDetail[];
  /** Extra response headers (Retry-After on 429, §11.3). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    extra: {
      messageParams?: Record<string, string>;
      details?: readonly ErrorDetail[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'GuestApiError';
    this.status = status;
    this.code = code;
    this.messageParams = extra.messageParams;
    this.details = extra.details ?? [];
    this.headers = extra.headers ?? {};
  }

  toBody(contextId: string): ErrorBody {
    return {
      message: this.message,
      code: this.code,
      status: this.status,
      ...(this.messageParams ? { messageWithParams: this.message, messageParams: this.messageParams } : {}),
      contextId,
      details: this.details,
      errors: [],
    };
  }
}

/** The errors the guest API raises in more than one place, with Genesys' codes and texts. */
export const guestErrors = {
  /** §5.6, captured runtime body (S15): note the runtime message differs from the swagger text. */
  notActive: () =>
    new GuestApiError(400, 'chat.error.conversation.state', 'Conversation State', {
      messageParams: { message: 'The conversation is not active' },
    }),
  memberNotFound: () =>
    new GuestApiError(404, 'chat.error.not.found', 'The web chat conversation member was not found.'),
  messageNotFound: () =>
    new GuestApiError(404, 'chat.error.not.found', 'The web chat conversation message was not found.'),
  mediaRequestNotFound: () =>
    new GuestApiError(404, 'chat.error.not.found', 'The media request was not found.'),
  authenticationRequired: () =>
    new GuestApiError(
      401,
      'authentication.required',
      'No authentication bearer token specified in authorization header.',
    ),
  badCredentials: () => new GuestApiError(401, 'bad.credentials', 'Invalid login credentials.'),
  credentialsExpired: () =>
    new GuestApiError(401, 'credentials.expired', 'The supplied credentials are expired and cannot be used.'),
  notAuthorized: () =>
    new GuestApiError(403, 'not.authorized', 'You are not authorized to perform the requested action.'),
  invalidQuery: (name: string, value: string) =>
    new GuestApiError(
      400,
      'invalid.query.param.value',
      `Value [${value}] is not valid for parameter [${name}].`,
      {
        messageParams: { param: name, value },
        details: [{ fieldName: name }],
      },
    ),
  badRequest: (message: string) => new GuestApiError(400, 'bad.request', message),
  notFound: () => new GuestApiError(404, 'not.found', 'The requested operation failed with status 404'),
} as const;

/** An agent/fault API failure. */
export class EmulatorApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly { readonly path: string; readonly message: string }[];

  constructor(
    status: number,
    code: string,
    message: string,
    details: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'EmulatorApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toBody(): {
    error: { code: string; message: string; details?: readonly { path: string; message: string }[] };
  } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details.length ? { details: this.details } : {}),
      },
    };
  }
}

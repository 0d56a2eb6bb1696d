// Errors of the platform API (OAuth-protected `/api/v2/...` routes other than the guest API). They
// leave as the same ErrorBody as the guest API (§1.4: {message, code, status, contextId, details,
// errors}); the class is shared, the codes and texts are the platform's.
import { GuestApiError, guestErrors } from '../errors.ts';

export { GuestApiError as PlatformApiError };

export const platformErrors = {
  /** §1.4, old swagger: no bearer token at all. */
  authenticationRequired: guestErrors.authenticationRequired,
  /** §1.4: an unknown, garbled, expired or revoked token. */
  badCredentials: guestErrors.badCredentials,
  /** §1.4 / guest-chat doc §11.3: the normalised 429 body plus Retry-After. */
  rateLimited: (retryAfterSeconds: number) =>
    new GuestApiError(
      429,
      'too.many.requests.retry.after',
      `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`,
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    ),
  /** §6: the body could not be read (also a nested object in root `metadata`). */
  malformed: () =>
    new GuestApiError(
      400,
      'bad.request',
      'The request could not be understood by the server due to malformed syntax.',
    ),
  /** A body that parses but breaks a rule; `fieldName` names the offending field. */
  invalidField: (fieldName: string, message: string) =>
    new GuestApiError(400, 'bad.request', `${fieldName}: ${message}`, {
      messageParams: { field: fieldName },
      details: [{ fieldName }],
    }),
  notFound: (what: string, id: string) =>
    new GuestApiError(404, 'not.found', `${what} ${id} was not found.`, {
      details: [{ entityId: id, entityName: what }],
    }),
  conflict: (message: string) => new GuestApiError(409, 'conflict', message),
} as const;

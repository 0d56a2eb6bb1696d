// Argument checks shared by store adapters: a bad limit is a caller bug, caught before any SQL runs.
export function assertLimit(limit: number, what: string): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`${what} must be a positive integer`);
}

/** Webhook error texts can be whole response bodies; the outbox keeps a bounded prefix. */
export const MAX_ERROR_LENGTH = 2000;

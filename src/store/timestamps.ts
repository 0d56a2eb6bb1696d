// Outbox due-times are compared as TEXT (SQLite has no timestamp type; the PostgreSQL twin keeps TEXT
// for one contract). Text order equals time order only for one fixed format, so every timestamp the
// store compares is first rewritten to `Date.prototype.toISOString()` form (UTC, milliseconds).
export function canonicalInstant(value: string, what: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO 8601 timestamp`);
  return new Date(ms).toISOString();
}

// `Retry-After` parsing (protocol §11.3: Genesys sends delta-seconds on every 429 since 2021-11-10;
// RFC 9110 §10.2.3 also allows an HTTP-date, so both forms are accepted).

/**
 * Parses a `Retry-After` header value into milliseconds from `nowMs`.
 * Returns `undefined` when the header is absent or unparseable; a date in the past yields 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  // HTTP-date (IMF-fixdate, or the obsolete forms Date.parse understands). Require a letter so
  // that junk like "-5" or "12abc" is not read as a date.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

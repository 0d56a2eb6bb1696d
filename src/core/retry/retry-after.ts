// The one `Retry-After` rule (RFC 9110 §10.2.3). Genesys sends delta-seconds on every 429 (guest-chat
// protocol §11.3); a webhook receiver may send an HTTP-date. Fractions of a second ("1.5") are not in
// the RFC but are seen in the wild: they are honoured (1,500 ms), rounded up to whole milliseconds.
// Negative numbers and junk are ignored (undefined); a date in the past means "now" (0).

export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // An HTTP-date has letters (a weekday, a month); "-5" or "12abc" is not read as a date.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

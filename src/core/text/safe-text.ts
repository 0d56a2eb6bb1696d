// One rule for every string that may reach a store: no U+0000 (NUL) and no lone UTF-16 surrogate.
//
// Why: PostgreSQL cannot store NUL in `text` or `jsonb` ("invalid byte sequence for encoding UTF8:
// 0x00" fails the whole commit), and a lone surrogate has no UTF-8 form, so each driver silently
// turns it into something else (U+FFFD, or several) — the text read back is not the text written.
// Everything else (RTL marks, zero-width joiners, 4-byte characters, other control characters) is
// stored and returned exactly.
//
// The edges apply the rule in one of two ways (docs/security.md):
//  - the bot API rejects such input with 400 VALIDATION_FAILED (the bot can fix its request);
//  - provider input (Genesys frames, REST responses, webhooks) is made safe with `toSafeText`: each
//    NUL and each lone surrogate becomes U+FFFD — an agent's message is never refused or lost over
//    one bad character.

/** What replaces a NUL or a lone surrogate in provider input. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// Without the `u` flag the pattern walks UTF-16 code units, which is what a lone surrogate is.
const UNSAFE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** True when `text` has no NUL and no lone surrogate: it is stored and read back unchanged everywhere. */
export function isSafeText(text: string): boolean {
  return !UNSAFE.test(text);
}

/** `text` with each NUL and each lone surrogate replaced by U+FFFD (the same text when already safe). */
export function toSafeText(text: string): string {
  return isSafeText(text) ? text : text.replace(UNSAFE_ALL, REPLACEMENT_CHARACTER);
}

/**
 * A parsed JSON value with `toSafeText` applied to every string in it, object keys included. For
 * provider input, right after `JSON.parse` and before any schema: nothing downstream sees an unsafe
 * string. Plain JSON only (objects, arrays, primitives), as `JSON.parse` returns.
 */
export function toSafeJson(value: unknown): unknown {
  if (typeof value === 'string') return toSafeText(value);
  if (Array.isArray(value)) return value.map(toSafeJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      // defineProperty: a `__proto__` key from JSON stays a plain own property, as JSON.parse made it.
      Object.defineProperty(out, toSafeText(key), {
        value: toSafeJson(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

// In JSON text a NUL or a surrogate can only be written raw (a raw lone surrogate: `isSafeText`
// sees it; a raw NUL is not valid JSON inside a string) or as a `\u0000` / `\uD800`–`\uDFFF`
// escape. Text with neither parses to safe strings only. (An escaped backslash before `u0000`
// matches too: that only costs the full walk.)
const UNSAFE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** `JSON.parse` for provider input: the result holds safe strings only (see `toSafeJson`). */
export function parseProviderJson(text: string): unknown {
  // The common case — nothing to replace — skips the copy of every object (a hot path: every
  // Genesys frame and REST answer).
  if (isSafeText(text) && !UNSAFE_ESCAPE.test(text)) return JSON.parse(text);
  return toSafeJson(JSON.parse(text));
}

/** A bound for what a provider may make us store and copy into every event: longer text is cut. */
export const TRUNCATION_MARK = '…';

/** `text` cut to at most `max` characters (the mark included), never inside a surrogate pair. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - TRUNCATION_MARK.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + TRUNCATION_MARK;
}

/**
 * `text` when it is an absolute http(s) URL of at most 2,048 characters, else undefined: an avatar or
 * a file link from a provider is shown or fetched by bots and pages — a `javascript:` or `data:` URL
 * must not reach them.
 */
export function httpUrlOrUndefined(text: string | undefined): string | undefined {
  if (text === undefined || text.length > 2048) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? text : undefined;
  } catch {
    return undefined;
  }
}

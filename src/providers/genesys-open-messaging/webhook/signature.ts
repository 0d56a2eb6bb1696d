// `X-Hub-Signature-256` (protocol §4.4): `sha256=` + BASE64 (not hex) of HMAC-SHA256(key = UTF-8
// secret, data = the raw request body). Verified on the raw bytes — never on a re-serialised parse
// (the docs' sample does that; it breaks on any whitespace or key-order difference) — and compared
// in constant time. A hex digest is refused like any other malformed value (§4.4: one peer accepts
// hex "just in case"; do not).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Node lower-cases header names (§4.4: do not read `X-Hub-Signature-256` as spelled). */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const PREFIX = 'sha256=';
/** 32 bytes of SHA-256 in padded base64: 43 characters and one `=`. */
const BASE64_DIGEST = /^[A-Za-z0-9+/]{43}=$/;

export type SignatureFailure =
  /** No header, or an empty one. */
  | 'missing-signature'
  /** Not `sha256=<base64 of 32 bytes>` (hex digests, other algorithms, truncated values, junk). */
  | 'malformed-signature'
  /** Well-formed but signed with another secret or over other bytes. */
  | 'signature-mismatch';

export type SignatureCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

export type RawBody = Uint8Array | string;

/** The header value Genesys would send for `rawBody` (tests and tools; §4.4 test vector). */
export function signWebhookBody(secret: string, rawBody: RawBody): string {
  return PREFIX + digest(secret, rawBody).toString('base64');
}

/**
 * Checks `header` against `rawBody` with each of `secrets` (more than one while a secret is being
 * rotated). `header` is what Node gives for the header: a string, or an array if repeated (refused).
 */
export function verifyWebhookSignature(
  rawBody: RawBody,
  header: string | readonly string[] | undefined,
  secrets: readonly string[],
): SignatureCheck {
  if (header === undefined || header === '') return { ok: false, reason: 'missing-signature' };
  if (typeof header !== 'string') return { ok: false, reason: 'malformed-signature' };
  const value = header.trim();
  if (value.slice(0, PREFIX.length).toLowerCase() !== PREFIX)
    return { ok: false, reason: 'malformed-signature' };
  const encoded = value.slice(PREFIX.length);
  if (!BASE64_DIGEST.test(encoded)) return { ok: false, reason: 'malformed-signature' };
  const provided = Buffer.from(encoded, 'base64');
  let match = false;
  // Every secret is tried (no early exit), so timing does not tell which one matched.
  for (const secret of secrets) {
    if (timingSafeEqual(provided, digest(secret, rawBody))) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: 'signature-mismatch' };
}

function digest(secret: string, rawBody: RawBody): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest();
}

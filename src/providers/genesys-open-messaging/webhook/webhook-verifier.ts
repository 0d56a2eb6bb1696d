// What the gateway's webhook route calls with the raw request (protocol §4.4, §4.5): signature first,
// then the body. The answer says which HTTP status to return:
// - 401 for a missing/bad signature (what the Microsoft sample answers, §4.5) — nothing is read;
// - 200 for a signed body even when it cannot be read: any other non-2xx (except 429/5xx, which
//   Genesys retries) "caused the entire chat to fail" (§4.5). Unreadable calls are reported, not refused.
import { OpenMessagingConfigError } from '../errors.ts';
import type { WebhookEvent } from './events.ts';
import { parseWebhookBody } from './parse-webhook.ts';
import {
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  type RawBody,
  type SignatureFailure,
} from './signature.ts';

export type WebhookOutcome =
  | { readonly verdict: 'event'; readonly status: 200; readonly event: WebhookEvent }
  | {
      readonly verdict: 'unreadable';
      readonly status: 200;
      readonly reason: 'invalid-json' | 'schema-mismatch';
      readonly issues: readonly string[];
    }
  | { readonly verdict: 'refused'; readonly status: 401; readonly reason: SignatureFailure };

export interface WebhookVerifierOptions {
  /**
   * The integration's `outboundNotificationWebhookSignatureSecretToken` (§2: longer than 15
   * characters). Several while rotating: the old and the new one.
   */
  readonly secret: string | readonly string[];
}

/** Minimum secret length Genesys accepts (§2: "must be longer than 15 characters"). */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export class WebhookVerifier {
  readonly #secrets: readonly string[];

  constructor(options: WebhookVerifierOptions) {
    const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
    if (secrets.length === 0 || secrets.some((s) => s.length < MIN_WEBHOOK_SECRET_LENGTH)) {
      throw new OpenMessagingConfigError(
        `webhook secrets must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (protocol §2)`,
      );
    }
    this.#secrets = secrets;
  }

  /**
   * `rawBody`: the request body exactly as received (a Buffer). `headers`: Node's lower-cased
   * request headers (or just the signature header's value).
   */
  verify(
    rawBody: RawBody,
    headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  ): WebhookOutcome {
    const check = verifyWebhookSignature(rawBody, headers[SIGNATURE_HEADER], this.#secrets);
    if (!check.ok) return { verdict: 'refused', status: 401, reason: check.reason };
    const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
    const parsed = parseWebhookBody(text);
    if (!parsed.ok)
      return { verdict: 'unreadable', status: 200, reason: parsed.reason, issues: parsed.issues };
    return { verdict: 'event', status: 200, event: parsed.event };
  }
}

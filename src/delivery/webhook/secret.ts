// Webhook secrets in the Standard Webhooks format: `whsec_` + base64 of the raw HMAC key.
// Parsing validates at configuration time so a typo fails the start, not every delivery. Errors
// never echo the secret (design §7: secrets are redacted everywhere).
import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
/** The spec recommends 24–64 bytes of key; fewer than 16 is too weak to sign anything with. */
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class WebhookSecretError extends Error {
  constructor(reason: string) {
    super(`invalid webhook secret: ${reason}`);
    this.name = 'WebhookSecretError';
  }
}

/** A parsed signing key. `toString`/`toJSON` are redacted so a key that reaches a log stays hidden. */
export class WebhookSecret {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  static parse(text: string): WebhookSecret {
    if (!text.startsWith(PREFIX)) throw new WebhookSecretError(`must start with "${PREFIX}"`);
    const encoded = text.slice(PREFIX.length);
    if (!BASE64.test(encoded)) throw new WebhookSecretError('the part after the prefix must be base64');
    const key = Buffer.from(encoded, 'base64');
    if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
      throw new WebhookSecretError(
        `the key must be ${MIN_KEY_BYTES}–${MAX_KEY_BYTES} bytes (got ${key.length})`,
      );
    }
    return new WebhookSecret(key);
  }

  /** A fresh random secret (32 bytes, as most Standard Webhooks senders issue), as `whsec_…` text. */
  static generate(bytes = 32): string {
    if (!Number.isInteger(bytes) || bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES) {
      throw new RangeError(`secret length must be an integer in ${MIN_KEY_BYTES}–${MAX_KEY_BYTES} bytes`);
    }
    return PREFIX + randomBytes(bytes).toString('base64');
  }

  /** The raw HMAC key. Only the signer should call this. */
  key(): Buffer {
    return this.#key;
  }

  toString(): string {
    return 'whsec_[REDACTED]';
  }

  toJSON(): string {
    return this.toString();
  }
}

export function parseWebhookSecret(text: string): WebhookSecret {
  return WebhookSecret.parse(text);
}

export function generateWebhookSecret(bytes?: number): string {
  return WebhookSecret.generate(bytes);
}

// Verifying the gateway's webhook deliveries in a bot: the Standard Webhooks signature (checked by
// the `standardwebhooks` library, which also rejects a timestamp outside ±5 min, i.e. a replay), then
// the body against the shared event schema. Pass the raw body exactly as received: re-serialised
// JSON has other bytes and fails the signature.
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { z } from 'zod';
import { EventTypes } from '../core/model/events.ts';
import {
  handoverEventSchema,
  webhookTestEventSchema,
  type WebhookTestEvent,
  type WireEvent,
} from '../contract/events.ts';

export { WebhookVerificationError };

/** A verified delivery: an event, the operator's test ping, or a type this client does not know yet. */
export type WebhookDelivery =
  | { readonly kind: 'event'; readonly event: WireEvent }
  | { readonly kind: 'test'; readonly event: WebhookTestEvent }
  | { readonly kind: 'unknown'; readonly type: string; readonly body: unknown };

/** Node's `req.headers`, a fetch `Headers`, or a plain record. */
export type WebhookRequestHeaders =
  Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export class WebhookVerifier {
  readonly #webhooks: Webhook[];

  /** `secrets`: the endpoint's `whsec_…` secret; several while rotating (any one may match). */
  constructor(secrets: string | readonly string[]) {
    const list = typeof secrets === 'string' ? [secrets] : [...secrets];
    if (list.length === 0) throw new RangeError('at least one webhook secret is required');
    this.#webhooks = list.map((s) => new Webhook(s));
  }

  /**
   * Throws `WebhookVerificationError` when no secret's signature matches, a header is missing or the
   * timestamp is too old or new; answer such a request 400. A body that is signed but breaks the
   * contract of its (known) type throws a `TypeError`.
   */
  verify(rawBody: string | Uint8Array, headers: WebhookRequestHeaders): WebhookDelivery {
    const payload = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody);
    const plain = plainHeaders(headers);
    let lastError: Error = new WebhookVerificationError('No matching signature found');
    for (const wh of this.#webhooks) {
      try {
        return classify(wh.verify(payload, plain));
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }
}

function classify(body: unknown): WebhookDelivery {
  const type = (body as { type?: unknown } | null)?.type;
  if (type === 'webhook.test') return { kind: 'test', event: parseOrThrow(webhookTestEventSchema, body) };
  if (typeof type === 'string' && (EventTypes as readonly string[]).includes(type))
    return { kind: 'event', event: parseOrThrow(handoverEventSchema, body) };
  return { kind: 'unknown', type: typeof type === 'string' ? type : '', body };
}

function parseOrThrow<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success)
    throw new TypeError(`webhook body does not match the contract: ${result.error.message}`);
  return result.data;
}

function plainHeaders(headers: WebhookRequestHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, key) => (out[key] = value));
    return out;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

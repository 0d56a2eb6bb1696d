// Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
// `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 with the raw key, base64, prefixed `v1,`.
// Several secrets give several signatures separated by spaces, so a bot can rotate its secret
// without a window where deliveries fail verification.
import { createHmac } from 'node:crypto';
import { toWireEvent, type HandoverEvent } from '../../core/model/events.ts';
import type { WebhookSecret } from './secret.ts';

export interface WebhookHeaders {
  readonly 'webhook-id': string;
  /** Unix seconds of this attempt (not of the event), so a retry is not rejected as a replay. */
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

export function signPayload(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly WebhookSecret[],
): string {
  if (secrets.length === 0) throw new RangeError('at least one webhook secret is required to sign');
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets
    .map((s) => `v1,${createHmac('sha256', s.key()).update(content, 'utf8').digest('base64')}`)
    .join(' ');
}

export interface SignedWebhook {
  readonly body: string;
  readonly headers: WebhookHeaders;
}

/** The exact body and headers of one delivery attempt of `event` at `at`. */
export function signWebhook(
  event: HandoverEvent,
  secrets: readonly WebhookSecret[],
  at: Date,
): SignedWebhook {
  const body = JSON.stringify(toWireEvent(event));
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    body,
    headers: {
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signPayload(event.id, timestamp, body, secrets),
    },
  };
}

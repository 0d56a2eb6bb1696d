// The test delivery an operator triggers per endpoint (`POST /v1/endpoints/{id}/webhook-test`): a
// `webhook.test` event, signed and POSTed exactly like every event (same signing, same attempt,
// same timeout), but sent at once and not through the outbox — it belongs to no handover, is not
// retried, and its outcome is the answer, so the operator sees at once whether the bot's receiver
// and secret work. The body's shape is the `WebhookTestEvent` of src/contract/events.ts.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/ports/clock.ts';
import { postWebhook, type FetchLike } from './attempt.ts';
import type { WebhookTarget } from './dispatcher.ts';
import { WebhookSecret } from './secret.ts';
import { signPayload } from './sign.ts';

export interface WebhookTestOutcome {
  readonly delivered: boolean;
  readonly eventId: string;
  readonly status?: number;
  /** Why not delivered; never the URL, a header or the secret. */
  readonly error?: string;
  readonly durationMs: number;
}

export interface TestDeliveryOptions {
  readonly endpointId: string;
  readonly target: WebhookTarget | undefined;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly fetch?: FetchLike;
}

export async function sendTestWebhook(o: TestDeliveryOptions): Promise<WebhookTestOutcome> {
  const eventId = randomUUID();
  const startedAt = o.clock.now();
  const done = (r: Omit<WebhookTestOutcome, 'eventId' | 'durationMs'>): WebhookTestOutcome => ({
    ...r,
    eventId,
    durationMs: Math.max(0, o.clock.now().getTime() - startedAt.getTime()),
  });
  if (o.target === undefined || o.target.secrets.length === 0)
    return done({ delivered: false, error: 'no webhook url and secret configured for the endpoint' });
  let secrets: WebhookSecret[];
  try {
    secrets = o.target.secrets.map((s) => WebhookSecret.parse(s));
  } catch {
    return done({ delivered: false, error: 'the endpoint webhook secret is invalid' });
  }
  const body = JSON.stringify({
    id: eventId,
    type: 'webhook.test',
    endpointId: o.endpointId,
    timestamp: startedAt.toISOString(),
    data: { message: 'A test delivery from genesys-handover.' },
  });
  const seconds = Math.floor(startedAt.getTime() / 1000);
  const result = await postWebhook({
    fetch: o.fetch ?? ((url, init) => fetch(url, init)),
    url: o.target.url,
    request: {
      body,
      headers: {
        'webhook-id': eventId,
        'webhook-timestamp': String(seconds),
        'webhook-signature': signPayload(eventId, seconds, body, secrets),
      },
    },
    timeoutMs: o.timeoutMs,
    signal: o.signal,
  });
  if (result.ok) return done({ delivered: true, status: result.status });
  return done({
    delivered: false,
    ...(result.status === undefined ? {} : { status: result.status }),
    error: result.reason,
  });
}

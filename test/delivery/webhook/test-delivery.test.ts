// The operator's test delivery (POST /v1/endpoints/{id}/webhook-test) against a real receiver on
// 127.0.0.1: signed like every event (verified with `standardwebhooks`), the body the contract's
// WebhookTestEvent, and the outcome — accepted, refused with a status, unreachable, unconfigured.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { webhookTestEventSchema } from '../../../src/contract/events.ts';
import { generateWebhookSecret } from '../../../src/delivery/webhook/secret.ts';
import { sendTestWebhook } from '../../../src/delivery/webhook/test-delivery.ts';
import { systemClock } from '../../../src/time/system-time.ts';
import { WebhookReceiver } from '../../support/webhook-receiver.ts';

const secret = generateWebhookSecret();
const receivers: WebhookReceiver[] = [];
after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

const send = (target: { url: string; secrets: string[] } | undefined) =>
  sendTestWebhook({
    endpointId: 'support',
    target,
    clock: systemClock,
    timeoutMs: 2_000,
    signal: new AbortController().signal,
  });

test('an accepted test delivery is signed like every event and carries a webhook.test body', async () => {
  const receiver = await WebhookReceiver.start({ secret });
  receivers.push(receiver);
  const outcome = await send({ url: receiver.url, secrets: [secret] });
  assert.equal(outcome.delivered, true);
  assert.equal(outcome.status, 204);
  assert.deepEqual(receiver.rejected, [], 'verified by the standardwebhooks library');
  const [attempt] = receiver.attempts;
  assert.equal(attempt?.headers['webhook-id'], outcome.eventId);
  const body = webhookTestEventSchema.parse(JSON.parse(attempt.body));
  assert.equal(body.endpointId, 'support');
  assert.equal(body.id, outcome.eventId);
});

test('a refusal, an unreachable receiver and a missing configuration are outcomes, not exceptions', async () => {
  const refusing = await WebhookReceiver.start({ respond: () => ({ kind: 'status', status: 500 }) });
  receivers.push(refusing);
  const refused = await send({ url: refusing.url, secrets: [secret] });
  assert.equal(refused.delivered, false);
  assert.equal(refused.status, 500);

  const down = await WebhookReceiver.start({ respond: () => ({ kind: 'reset' }) });
  receivers.push(down);
  const unreachable = await send({ url: down.url, secrets: [secret] });
  assert.equal(unreachable.delivered, false);
  assert.match(unreachable.error ?? '', /network error/);

  const none = await send(undefined);
  assert.deepEqual(
    { delivered: none.delivered, error: none.error },
    { delivered: false, error: 'no webhook url and secret configured for the endpoint' },
  );
  const bad = await send({ url: refusing.url, secrets: ['not-a-secret'] });
  assert.equal(bad.error, 'the endpoint webhook secret is invalid');
  assert.ok(!JSON.stringify([refused, unreachable, none, bad]).includes(refusing.url), 'no URL in outcomes');
});

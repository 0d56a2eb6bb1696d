import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signWebhook } from '../../../src/delivery/webhook/sign.ts';
import { generateWebhookSecret, parseWebhookSecret } from '../../../src/delivery/webhook/secret.ts';
import { makeEvent } from '../../support/fixtures.ts';
import { toWireEvent } from '../../../src/core/model/events.ts';

const headersOf = (h: ReturnType<typeof signWebhook>['headers']): Record<string, string> => ({ ...h });

test('a signed delivery verifies with the standardwebhooks library and parses back to the event', () => {
  const secret = generateWebhookSecret();
  const event = makeEvent({ seq: 3, text: 'Hello "world" ✓\nline two' });
  const signed = signWebhook(event, [parseWebhookSecret(secret)], new Date());
  // The stored event plus `timestamp` (Standard Webhooks' field name; docs/webhooks.md).
  assert.equal(signed.body, JSON.stringify(toWireEvent(event)));
  assert.equal(signed.headers['webhook-id'], event.id);
  assert.match(signed.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(new Webhook(secret).verify(signed.body, headersOf(signed.headers)), toWireEvent(event));
});

test('the timestamp header is the unix seconds of the attempt, not of the event', () => {
  const at = new Date('2030-01-02T03:04:05.678Z');
  const signed = signWebhook(makeEvent({ seq: 1 }), [parseWebhookSecret(generateWebhookSecret())], at);
  assert.equal(signed.headers['webhook-timestamp'], String(Math.floor(at.getTime() / 1000)));
});

test('a tampered body, a wrong id, a foreign secret or an old timestamp are rejected by the library', () => {
  const secret = generateWebhookSecret();
  const event = makeEvent({ seq: 1 });
  const signed = signWebhook(event, [parseWebhookSecret(secret)], new Date());
  const wh = new Webhook(secret);
  assert.throws(
    () => wh.verify(signed.body.replace('hello', 'HELLO'), headersOf(signed.headers)),
    WebhookVerificationError,
  );
  assert.throws(
    () => wh.verify(signed.body, { ...headersOf(signed.headers), 'webhook-id': 'other' }),
    WebhookVerificationError,
  );
  assert.throws(
    () => new Webhook(generateWebhookSecret()).verify(signed.body, headersOf(signed.headers)),
    WebhookVerificationError,
  );
  const old = signWebhook(event, [parseWebhookSecret(secret)], new Date(Date.now() - 10 * 60_000));
  assert.throws(() => wh.verify(old.body, headersOf(old.headers)), /too old/);
});

test('several secrets give a space-separated signature list that verifies with each secret (rotation)', () => {
  const oldSecret = generateWebhookSecret();
  const newSecret = generateWebhookSecret();
  const signed = signWebhook(
    makeEvent({ seq: 1 }),
    [oldSecret, newSecret].map(parseWebhookSecret),
    new Date(),
  );
  assert.equal(signed.headers['webhook-signature'].split(' ').length, 2);
  for (const s of [oldSecret, newSecret])
    assert.ok(new Webhook(s).verify(signed.body, headersOf(signed.headers)));
});

test('signing without a secret is refused', () => {
  assert.throws(() => signWebhook(makeEvent({ seq: 1 }), [], new Date()), RangeError);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signWebhook } from '../../src/delivery/webhook/sign.ts';
import {
  WebhookSecret,
  WebhookSecretError,
  generateWebhookSecret,
  parseWebhookSecret,
} from '../../src/delivery/webhook/secret.ts';
import { makeEvent } from './support/fixtures.ts';

const headersOf = (h: ReturnType<typeof signWebhook>['headers']): Record<string, string> => ({ ...h });

test('a signed delivery verifies with the standardwebhooks library and parses back to the event', () => {
  const secret = generateWebhookSecret();
  const event = makeEvent({ seq: 3, text: 'Hello "world" ✓\nline two' });
  const signed = signWebhook(event, [parseWebhookSecret(secret)], new Date());
  assert.equal(signed.body, JSON.stringify(event));
  assert.equal(signed.headers['webhook-id'], event.id);
  assert.match(signed.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
  assert.deepEqual(new Webhook(secret).verify(signed.body, headersOf(signed.headers)), event);
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

test('secret parsing accepts whsec_ base64 and rejects malformed ones without echoing them', () => {
  const good = generateWebhookSecret();
  assert.match(good, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.equal(parseWebhookSecret(good).key().length, 32);
  assert.notEqual(generateWebhookSecret(), good);
  const bad = [
    'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', // no prefix
    'whsec_not base64 at all!!',
    'whsec_',
    'whsec_' + Buffer.alloc(8).toString('base64'), // too short a key
    'whsec_' + Buffer.alloc(65).toString('base64'), // too long
  ];
  for (const text of bad) {
    assert.throws(
      () => parseWebhookSecret(text),
      (err: unknown) =>
        err instanceof WebhookSecretError && (text.length <= 6 || !err.message.includes(text.slice(6))),
      text,
    );
  }
  assert.throws(() => generateWebhookSecret(8), RangeError);
});

test('a parsed secret is redacted when stringified or serialised', () => {
  const text = generateWebhookSecret();
  const secret = WebhookSecret.parse(text);
  const b64 = text.slice('whsec_'.length);
  assert.ok(!String(secret).includes(b64));
  assert.ok(!JSON.stringify({ secret }).includes(b64));
  assert.ok(!secret.toString().includes(b64));
});

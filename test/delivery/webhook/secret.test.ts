import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  WebhookSecret,
  WebhookSecretError,
  generateWebhookSecret,
  parseWebhookSecret,
} from '../../../src/delivery/webhook/secret.ts';

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

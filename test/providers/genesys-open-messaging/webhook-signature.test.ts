import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  signWebhookBody,
  verifyWebhookSignature,
} from '../../../src/providers/genesys-open-messaging/webhook/signature.ts';
import { WebhookVerifier } from '../../../src/providers/genesys-open-messaging/webhook/webhook-verifier.ts';
import { OpenMessagingConfigError } from '../../../src/providers/genesys-open-messaging/errors.ts';

// Protocol §4.4 test vector.
const SECRET = 'my-secret-token-1234';
const BODY = '{"id":"m1","type":"Text","text":"Hi"}';
const VECTOR = 'sha256=HfeSV9RU7dAhH7Mowhdms7bYJBk29bTRgH9+wYHHPRA=';

describe('X-Hub-Signature-256 (§4.4)', () => {
  test('the protocol test vector: sign and verify, on a string and on the raw bytes', () => {
    assert.equal(signWebhookBody(SECRET, BODY), VECTOR);
    assert.deepEqual(verifyWebhookSignature(BODY, VECTOR, [SECRET]), { ok: true });
    assert.deepEqual(verifyWebhookSignature(Buffer.from(BODY, 'utf8'), VECTOR, [SECRET]), { ok: true });
  });

  test('a wrong signature: other secret, other bytes, one flipped character', () => {
    assert.deepEqual(verifyWebhookSignature(BODY, VECTOR, ['another-secret-123456']), {
      ok: false,
      reason: 'signature-mismatch',
    });
    // Re-serialised JSON (what the docs' sample verifies) is other bytes: refused.
    const reserialised = JSON.stringify(JSON.parse(BODY), null, 1);
    assert.equal(verifyWebhookSignature(reserialised, VECTOR, [SECRET]).ok, false);
    const flipped = VECTOR.replace('HfeSV9', 'HfeSV8');
    assert.deepEqual(verifyWebhookSignature(BODY, flipped, [SECRET]), {
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  test('a missing signature', () => {
    assert.deepEqual(verifyWebhookSignature(BODY, undefined, [SECRET]), {
      ok: false,
      reason: 'missing-signature',
    });
    assert.deepEqual(verifyWebhookSignature(BODY, '', [SECRET]), { ok: false, reason: 'missing-signature' });
  });

  test('wrong length, not base64, a hex digest, another algorithm, a repeated header: malformed', () => {
    const hex = 'sha256=' + createHmac('sha256', SECRET).update(BODY).digest('hex');
    const cases = [
      VECTOR.slice(0, -2) + '=', // truncated
      VECTOR + 'AAAA', // too long
      'sha256=' + Buffer.alloc(31).toString('base64'), // 31 bytes
      'sha256=' + '!'.repeat(43) + '=', // not base64
      hex, // §4.4: hex is NOT accepted
      VECTOR.replace('sha256=', 'sha1='),
      VECTOR.replace('sha256=', ''),
      'sha256=',
    ];
    for (const header of cases) {
      assert.deepEqual(
        verifyWebhookSignature(BODY, header, [SECRET]),
        { ok: false, reason: 'malformed-signature' },
        header,
      );
    }
    assert.deepEqual(verifyWebhookSignature(BODY, [VECTOR, VECTOR], [SECRET]), {
      ok: false,
      reason: 'malformed-signature',
    });
  });

  test('rotation: either of two secrets verifies', () => {
    assert.deepEqual(verifyWebhookSignature(BODY, VECTOR, ['the-new-secret-0000', SECRET]), { ok: true });
  });

  test('WebhookVerifier: 401 without reading the body, 200 with the event, 200 for a signed unreadable body', () => {
    const verifier = new WebhookVerifier({ secret: SECRET });
    const refused = verifier.verify(Buffer.from('{not json'), { 'x-hub-signature-256': VECTOR });
    assert.deepEqual(refused, { verdict: 'refused', status: 401, reason: 'signature-mismatch' });

    const garbage = Buffer.from('{not json');
    const unreadable = verifier.verify(garbage, { 'x-hub-signature-256': signWebhookBody(SECRET, garbage) });
    assert.equal(unreadable.verdict, 'unreadable');
    assert.equal(unreadable.status, 200);

    const body = Buffer.from(
      JSON.stringify({
        id: 'm1',
        type: 'Text',
        text: 'Hello',
        direction: 'Outbound',
        originatingEntity: 'Human',
        channel: { to: { id: 'cust-1' }, time: '2026-01-01T00:00:00.000Z' },
      }),
    );
    const ok = verifier.verify(body, { 'x-hub-signature-256': signWebhookBody(SECRET, body) });
    assert.ok(ok.verdict === 'event');
    assert.equal(ok.event.kind, 'message');
  });

  test('a secret of 15 characters or fewer is a configuration error (§2)', () => {
    assert.throws(() => new WebhookVerifier({ secret: 'short-secret' }), OpenMessagingConfigError);
    assert.throws(() => new WebhookVerifier({ secret: [] }), OpenMessagingConfigError);
  });
});

// How the provider reports failures: client errors → ProviderError (retryable for 429/5xx/network/
// timeout with Retry-After, `notProcessed` when nothing was carried out, permanent otherwise), the
// start-up check in plain words, and the numbers for /metrics.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ProviderError, type OutboundMessage } from '../../../src/core/ports/provider.ts';
import { toProviderError } from '../../../src/providers/genesys-open-messaging/adapter/map-errors.ts';
import {
  OPEN_MESSAGING_KIND,
  OpenMessagingAbortedError,
  OpenMessagingNetworkError,
  OpenMessagingProvider,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { waitFor } from '../../support/wait-for.ts';
import { CLIENT_SECRET } from './fake-genesys.ts';
import { INBOUND, INTEGRATION, providerRig, type ProviderRig } from './provider-rig.ts';

const signal = () => new AbortController().signal;
const ref = { kind: OPEN_MESSAGING_KIND, data: { conversationId: 'conv-1', customerId: 'hg-h-1' } };
const line: OutboundMessage = { id: 'l1', text: 'hello', kind: 'text', at: '2030-01-01T00:00:01.000Z' };

let rig: ProviderRig;
afterEach(async () => rig.close());

async function sendFailure(r: ProviderRig, message: OutboundMessage = line): Promise<ProviderError> {
  const err = await r.provider.send(ref, message, signal()).catch((e: unknown) => e);
  assert.ok(err instanceof ProviderError, String(err));
  return err;
}

const answer =
  (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  () => ({
    status,
    body,
    headers,
  });

describe('client errors → ProviderError', () => {
  test('429: retryable with Retry-After, not processed (refused before any work, §1.4)', async () => {
    rig = await providerRig({}, { rateLimitRetries: 0 });
    rig.genesys.fake.route(
      'POST',
      `${INBOUND}/message`,
      answer(429, { code: 'too.many.requests.retry.after', status: 429 }, { 'retry-after': '7' }),
    );
    const err = await sendFailure(rig);
    assert.equal(err.code, 'too.many.requests.retry.after');
    assert.equal(err.details.status, 429);
    assert.equal(err.retryable, true);
    assert.equal(err.details.retryAfterMs, 7000);
    assert.equal(err.details.notProcessed, true);
    assert.equal(rig.provider.stats().rate_limited_answers_total, 1);
  });

  test('5xx: retryable, outcome unknown; 4xx: permanent with Genesys code', async () => {
    rig = await providerRig();
    rig.genesys.fake.route(
      'POST',
      `${INBOUND}/message`,
      answer(503, { code: 'service.unavailable', status: 503 }),
    );
    const unavailable = await sendFailure(rig);
    assert.equal(unavailable.retryable, true);
    assert.equal(unavailable.details.notProcessed, undefined);
    rig.genesys.fake.route(
      'POST',
      `${INBOUND}/message`,
      answer(400, { code: 'bad.request', status: 400, message: 'hello is not allowed' }),
    );
    const bad = await sendFailure(rig);
    assert.equal(bad.code, 'bad.request');
    assert.equal(bad.retryable, false);
    assert.doesNotMatch(bad.message, /hello/, 'the sent text is cut out of error texts');
  });

  test('a timeout: retryable, outcome unknown (the message may have landed, §3.5)', async () => {
    rig = await providerRig();
    rig.genesys.fake.route('POST', `${INBOUND}/message`, () => 'hang');
    const failing = sendFailure(rig);
    await waitFor(() => rig.genesys.fake.calls('POST', `${INBOUND}/message`).length === 1, {
      what: 'the send',
    });
    await rig.time.advance(16_000);
    const err = await failing;
    assert.equal(err.code, 'OM_TIMEOUT');
    assert.equal(err.retryable, true);
    assert.equal(err.details.notProcessed, undefined);
  });

  test('refused client-side (nothing to send): permanent and not processed', async () => {
    rig = await providerRig();
    const err = await sendFailure(rig, { ...line, text: '' });
    assert.equal(err.code, 'OM_INVALID_REQUEST');
    assert.equal(err.retryable, false);
    assert.equal(err.details.notProcessed, true);
  });

  test('invalid_client (§1.4): permanent, not processed, no secret in the message', async () => {
    rig = await providerRig(
      {},
      { credentials: { clientId: 'client-id-1', clientSecret: 'wrong-secret-0123' } },
    );
    const err = await sendFailure(rig);
    assert.equal(err.code, 'invalid_client');
    assert.equal(err.retryable, false);
    assert.equal(err.details.notProcessed, true);
    assert.doesNotMatch(err.message, /wrong-secret/);
  });

  test('network: a connection never made is not processed; an aborted call is retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: refused });
    const neverSent = toProviderError(new OpenMessagingNetworkError('sendInboundMessage', fetchFailed));
    assert.equal(neverSent.code, 'OM_NETWORK_ERROR');
    assert.equal(neverSent.retryable, true);
    assert.equal(neverSent.details.notProcessed, true);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const midway = toProviderError(
      new OpenMessagingNetworkError('sendInboundMessage', new TypeError('fetch failed', { cause: reset })),
    );
    assert.equal(midway.details.notProcessed, undefined);
    assert.equal(toProviderError(new OpenMessagingAbortedError('getConversation')).retryable, true);
    const unknown = toProviderError(new Error('boom'));
    assert.equal(unknown.code, 'OM_UNEXPECTED');
    assert.equal(unknown.retryable, false);
  });

  test('a stored handle of another provider is refused with a stable code', async () => {
    rig = await providerRig();
    const err = await rig.provider
      .send({ kind: 'genesys-guest-chat', data: { conversationId: 'c' } }, line, signal())
      .catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 'OM_BAD_REF');
  });
});

describe('check() (shown on /readyz)', () => {
  test('a token and the integration: passes', async () => {
    rig = await providerRig();
    await rig.provider.check(signal());
  });

  test('wrong client secret: says so plainly, without the secret', async () => {
    rig = await providerRig(
      {},
      { credentials: { clientId: 'client-id-1', clientSecret: 'not-the-secret-42' } },
    );
    const err = await rig.provider.check(signal()).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.code, 'OM_AUTH_FAILED');
    assert.match(err.message, /refused the OAuth client credentials.*client secret/);
    assert.doesNotMatch(err.message, /not-the-secret-42|client-secret-0123456789/);
  });

  test('a missing integration, a missing permission, an integration not ready', async () => {
    rig = await providerRig();
    const path = `/api/v2/conversations/messaging/integrations/open/${INTEGRATION}`;
    const failure = async () => {
      const err = await rig.provider.check(signal()).catch((e: unknown) => e);
      assert.ok(err instanceof ProviderError);
      return err;
    };
    rig.genesys.fake.route('GET', path, answer(404, { code: 'not.found', status: 404 }));
    const missing = await failure();
    assert.equal(missing.code, 'OM_INTEGRATION_NOT_FOUND');
    assert.match(missing.message, new RegExp(`integration ${INTEGRATION} does not exist`));
    rig.genesys.fake.route('GET', path, answer(403, { code: 'missing.permissions', status: 403 }));
    const forbidden = await failure();
    assert.equal(forbidden.code, 'OM_PERMISSION_DENIED');
    assert.match(forbidden.message, /messaging:integration:view/);
    rig.genesys.fake.route('GET', path, answer(200, { id: INTEGRATION, name: 'G', createStatus: 'Error' }));
    const broken = await failure();
    assert.equal(broken.code, 'OM_INTEGRATION_NOT_READY');
    assert.equal(broken.retryable, false);
    rig.genesys.fake.route('GET', path, answer(502, { code: 'bad.gateway', status: 502 }));
    const down = await failure();
    assert.equal(down.retryable, true);
    assert.match(down.message, /^Genesys could not be checked/);
  });
});

describe('options and stats', () => {
  test('stats: gauges and counters of the client, named for /metrics', async () => {
    rig = await providerRig();
    await rig.provider.check(signal());
    const stats = rig.provider.stats();
    assert.deepEqual(Object.keys(stats).sort(), [
      'api_calls_total',
      'notification_channels',
      'notification_events_total',
      'notification_interruptions_total',
      'notification_renewals_total',
      'notification_resubscriptions_total',
      'notification_topics',
      'notification_watches',
      'rate_limit_pauses_total',
      'rate_limit_waiting',
      'rate_limited_answers_total',
      'token_requests_total',
    ]);
    assert.equal(stats.token_requests_total, 1);
    assert.equal(stats.api_calls_total, 1, 'the integration read of check()');
    assert.equal(rig.provider.maxMessageLength, 4000);
    assert.equal(rig.provider.sendSettleMs, 10_000);
    assert.deepEqual(rig.provider.capabilities, { attachments: true });
  });

  test('impossible options are refused at construction', async () => {
    rig = await providerRig();
    const time = new VirtualTime();
    const base = {
      client: rig.client,
      webhookSecret: CLIENT_SECRET,
      clock: time,
      scheduler: time,
      random: () => 0.5,
    };
    assert.throws(() => new OpenMessagingProvider({ ...base, customerIdPrefix: '' }), /customerIdPrefix/);
    assert.throws(
      () => new OpenMessagingProvider({ ...base, attributeNames: { queue: 'x', language: 'x' } }),
      /attributeNames/,
    );
    assert.throws(() => new OpenMessagingProvider({ ...base, webhookSecret: 'short' }), /16 characters/);
    assert.throws(() => new OpenMessagingProvider({ ...base, maxMessageLength: 0 }), /maxMessageLength/);
    const custom = new OpenMessagingProvider({ ...base, maxMessageLength: 1000, sendSettleMs: 3000 });
    assert.equal(custom.maxMessageLength, 1000);
    assert.equal(custom.sendSettleMs, 3000);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retry } from '../../../src/core/retry/retry.ts';
import {
  classifyOpenMessagingError,
  GENESYS_CLOUD_REGIONS,
  isRetryableOpenMessagingError,
  NotificationsCapacityError,
  NotificationsChannelError,
  NotificationsSubscriptionError,
  OpenMessagingAbortedError,
  OpenMessagingApiError,
  OpenMessagingAuthError,
  OpenMessagingConfigError,
  OpenMessagingNetworkError,
  OpenMessagingRequestError,
  OpenMessagingResponseError,
  OpenMessagingTimeoutError,
  resolveHosts,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';

const api = (status: number, retryAfterMs?: number) =>
  new OpenMessagingApiError({ operation: 'op', status, genesysCode: 'x', correlationId: 'c', retryAfterMs });

describe('retry classification', () => {
  test('retryable: 401 (a refused token: the next attempt gets another), 408, 429, 5xx, network, timeout, notification channel and capacity', () => {
    for (const err of [
      api(401),
      api(408),
      api(429),
      api(500),
      api(503),
      new OpenMessagingNetworkError('op', new Error('x')),
      new OpenMessagingTimeoutError('op', 10),
      new NotificationsChannelError('socket-closed'),
      new NotificationsCapacityError(20, 1000),
    ]) {
      assert.equal(isRetryableOpenMessagingError(err), true, err.name);
      assert.deepEqual(classifyOpenMessagingError(err), {}, err.name);
      assert.equal(err.isPermanent, false);
    }
  });

  test("a 429's Retry-After is carried into the verdict", () => {
    assert.deepEqual(classifyOpenMessagingError(api(429, 42_000)), { retryAfterMs: 42_000 });
    assert.deepEqual(classifyOpenMessagingError(api(503, 5_000)), { retryAfterMs: 5_000 });
  });

  test('permanent: 400, 403, 404, auth (refused credentials), bad response, request, config, subscription; abort is neither', () => {
    for (const err of [
      api(400),
      api(403),
      api(404),
      new OpenMessagingAuthError({ status: 401, oauthError: 'invalid_client' }),
      new OpenMessagingResponseError({ operation: 'op', status: 200, issues: ['id: required'] }),
      new OpenMessagingRequestError('op', ['text: required']),
      new OpenMessagingConfigError('bad'),
      new NotificationsSubscriptionError([{ topic: 't', reason: 'no', missingPermissions: ['p:q'] }]),
    ]) {
      assert.equal(classifyOpenMessagingError(err), undefined, err.name);
      assert.equal(err.isPermanent, true, err.name);
    }
    const aborted = new OpenMessagingAbortedError('op');
    assert.equal(classifyOpenMessagingError(aborted), undefined);
    assert.equal(aborted.isPermanent, false);
    assert.equal(classifyOpenMessagingError(new Error('foreign')), undefined);
  });

  test('with core/retry on virtual time: a 503 is retried after the backoff, a 429 not before its Retry-After, a 400 at once', async () => {
    const time = new VirtualTime();
    const opts = {
      policy: { initialDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000 },
      maxAttempts: 3,
      classify: classifyOpenMessagingError,
      scheduler: time,
      random: () => 1,
      signal: new AbortController().signal,
    };
    const answers = [api(429, 30_000), api(503)];
    const calls: number[] = [];
    const done = retry(() => {
      calls.push(time.nowMs);
      const next = answers.shift();
      return next ? Promise.reject(next) : Promise.resolve('ok');
    }, opts);
    await time.advance(29_999);
    assert.equal(calls.length, 1, 'Retry-After honoured');
    await time.advance(1);
    assert.equal(calls.length, 2);
    await time.advance(200);
    assert.equal(await done, 'ok');
    assert.equal(calls.length, 3);

    let n = 0;
    await assert.rejects(
      retry(() => {
        n++;
        return Promise.reject(api(400));
      }, opts),
      OpenMessagingApiError,
    );
    assert.equal(n, 1);
  });

  test('errors name the failure, not the request', () => {
    const e = api(404);
    assert.equal(e.code, 'OM_API_ERROR');
    assert.match(e.message, /^Genesys op failed with HTTP 404 \(x\)$/);
    const sub = new NotificationsSubscriptionError([
      {
        topic: 'v2.detail.events.conversation.c.user.end',
        reason: 'denied',
        missingPermissions: ['analytics:conversationDetail:view'],
      },
    ]);
    assert.match(sub.message, /analytics:conversationDetail:view/);
  });
});

describe('regions (§1.1)', () => {
  test('18 regions, keys and domains, login and API hosts', () => {
    assert.equal(Object.keys(GENESYS_CLOUD_REGIONS).length, 18);
    assert.deepEqual(resolveHosts({ environment: 'eu_west_1' }), {
      loginBaseUrl: 'https://login.mypurecloud.ie',
      apiBaseUrl: 'https://api.mypurecloud.ie',
    });
    assert.deepEqual(resolveHosts({ environment: 'https://api.edee1.eusc-pure.cloud/' }), {
      loginBaseUrl: 'https://login.edee1.eusc-pure.cloud',
      apiBaseUrl: 'https://api.edee1.eusc-pure.cloud',
    });
    assert.throws(() => resolveHosts({ environment: 'example.com' }), OpenMessagingConfigError);
  });

  test('the emulator: one base URL like the SDK gateway (login under /login), or two explicit ones', () => {
    assert.deepEqual(resolveHosts({ baseUrl: 'http://127.0.0.1:4010/' }), {
      loginBaseUrl: 'http://127.0.0.1:4010/login',
      apiBaseUrl: 'http://127.0.0.1:4010',
    });
    assert.deepEqual(resolveHosts({ loginBaseUrl: 'http://127.0.0.1:1', apiBaseUrl: 'http://127.0.0.1:2' }), {
      loginBaseUrl: 'http://127.0.0.1:1',
      apiBaseUrl: 'http://127.0.0.1:2',
    });
    for (const bad of ['ftp://x', 'not a url', 'http://u:p@127.0.0.1', 'http://127.0.0.1/?q=1']) {
      assert.throws(() => resolveHosts({ baseUrl: bad }), OpenMessagingConfigError, bad);
    }
  });
});

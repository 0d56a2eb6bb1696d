import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  GenesysAbortedError,
  GenesysApiError,
  GenesysNetworkError,
  GenesysResponseError,
  GenesysStreamError,
  GenesysTimeoutError,
  GuestChatConfigError,
  GuestChatError,
  GuestChatRequestError,
  isRetryableGuestChatError,
  isRetryableStatus,
} from '../../../src/providers/genesys-guest-chat/index.ts';

const api = (status: number, extra: Partial<ConstructorParameters<typeof GenesysApiError>[0]> = {}) =>
  new GenesysApiError({ status, operation: 'sendMessage', ...extra });

test('429, 408 and every 5xx (incl. 504) are retryable; 400/401/403/404/409/413 are permanent', () => {
  for (const s of [408, 429, 500, 502, 503, 504]) {
    assert.equal(api(s).isRetryable, true, String(s));
    assert.equal(api(s).isPermanent, false, String(s));
    assert.equal(isRetryableStatus(s), true);
  }
  for (const s of [400, 401, 403, 404, 409, 413, 415]) {
    assert.equal(api(s).isRetryable, false, String(s));
    assert.equal(api(s).isPermanent, true, String(s));
  }
});

test('network errors and timeouts are retryable; bad responses, client refusals and config errors permanent', () => {
  assert.equal(new GenesysNetworkError('getMember', new TypeError('fetch failed')).isRetryable, true);
  assert.equal(new GenesysTimeoutError('getMember', 100).isRetryable, true);
  const permanent: GuestChatError[] = [
    new GenesysResponseError({ operation: 'getMember', status: 200, issues: ['x'] }),
    new GuestChatRequestError('sendMessage', 'too long'),
    new GuestChatConfigError('bad env'),
    new GenesysStreamError('grace-exceeded'),
  ];
  for (const e of permanent) {
    assert.equal(e.isRetryable, false, e.name);
    assert.equal(e.isPermanent, true, e.name);
    assert.equal(isRetryableGuestChatError(e), false);
  }
});

test('an aborted call is neither retryable nor permanent', () => {
  const e = new GenesysAbortedError('getMember');
  assert.equal(e.isRetryable, false);
  assert.equal(e.isPermanent, false);
  assert.equal(e.code, 'GENESYS_ABORTED');
});

test('stable codes and instanceof', () => {
  const e = api(429, {
    genesysCode: 'too.many.requests.retry.after',
    retryAfterMs: 3000,
    correlationId: 'c-1',
  });
  assert.ok(e instanceof GuestChatError && e instanceof Error);
  assert.equal(e.code, 'GENESYS_API_ERROR');
  assert.equal(e.name, 'GenesysApiError');
  assert.equal(e.retryAfterMs, 3000);
  assert.equal(e.correlationId, 'c-1');
  assert.match(e.message, /sendMessage failed with HTTP 429 \(too\.many\.requests\.retry\.after\)/);
  assert.equal(isRetryableGuestChatError(e), true);
  assert.equal(isRetryableGuestChatError(new Error('x')), false);
});

test('network error message shows only the system error code', () => {
  const cause = new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  });
  const e = new GenesysNetworkError('createConversation', cause);
  assert.equal(e.message, 'Genesys createConversation failed: network error (ECONNREFUSED)');
  assert.equal(e.cause, cause);
});

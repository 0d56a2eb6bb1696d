import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  OpenMessagingAbortedError,
  OpenMessagingApiError,
  OpenMessagingAuthError,
} from '../../../src/providers/genesys-open-messaging/errors.ts';
import { TokenCache } from '../../../src/providers/genesys-open-messaging/oauth/token-cache.ts';
import type { FetchedToken } from '../../../src/providers/genesys-open-messaging/oauth/token-request.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';

const signal = () => new AbortController().signal;
const HOUR = 3_600_000;

/** A scripted token endpoint: each request waits until the test answers it. */
function tokenEndpoint() {
  const pending: { resolve: (t: FetchedToken) => void; reject: (e: Error) => void }[] = [];
  let issued = 0;
  return {
    pending,
    fetchToken: () => new Promise<FetchedToken>((resolve, reject) => pending.push({ resolve, reject })),
    /** Answers the oldest open request with a new token of `lifetimeMs`. */
    answer(lifetimeMs = HOUR) {
      const p = pending.shift();
      assert.ok(p, 'no token request is open');
      issued++;
      p.resolve({ accessToken: `token-${issued}`, expiresInMs: lifetimeMs });
    },
    fail(err: Error) {
      const p = pending.shift();
      assert.ok(p, 'no token request is open');
      p.reject(err);
    },
  };
}

function cache(time: VirtualTime, endpoint: ReturnType<typeof tokenEndpoint>, extra = {}) {
  return new TokenCache({
    fetchToken: endpoint.fetchToken,
    clock: time,
    scheduler: time,
    random: () => 0.5,
    ...extra,
  });
}

/** The first `get()`, answered with a token of `lifetimeMs`. */
async function firstToken(
  time: VirtualTime,
  endpoint: ReturnType<typeof tokenEndpoint>,
  tokens: TokenCache,
  lifetimeMs = HOUR,
): Promise<string> {
  const first = tokens.get(signal());
  await time.advance(0);
  endpoint.answer(lifetimeMs);
  return first;
}

describe('TokenCache (§1.3)', () => {
  test('single-flight: 20 concurrent callers cause one token request and share its token', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint);
    const callers = Array.from({ length: 20 }, () => tokens.get(signal()));
    await time.advance(0);
    assert.equal(endpoint.pending.length, 1);
    endpoint.answer();
    assert.deepEqual(new Set(await Promise.all(callers)), new Set(['token-1']));
    assert.equal(tokens.fetches, 1);
    // Cached afterwards: no new request.
    assert.equal(await tokens.get(signal()), 'token-1');
    assert.equal(tokens.fetches, 1);
    tokens.close();
  });

  test('refreshes in the background 60 s before expiry; callers keep the old token meanwhile', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint);
    assert.equal(await firstToken(time, endpoint, tokens), 'token-1');

    await time.advance(HOUR - 60_000 - 1);
    assert.equal(endpoint.pending.length, 0, 'not yet');
    await time.advance(1);
    assert.equal(endpoint.pending.length, 1, 'the refresh was sent with no caller waiting');
    assert.equal(await tokens.get(signal()), 'token-1', 'the old token is still served during the refresh');
    endpoint.answer(HOUR);
    await time.advance(0);
    assert.equal(await tokens.get(signal()), 'token-2');
    assert.equal(tokens.fetches, 2);
    tokens.close();
  });

  test('a short-lived token (5 min, §1.3) is refreshed at 4 min; a very short one at half its life', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint);
    await firstToken(time, endpoint, tokens, 300_000);
    await time.advance(240_000);
    assert.equal(endpoint.pending.length, 1);
    endpoint.answer(10_000);
    await time.advance(4_999);
    assert.equal(endpoint.pending.length, 0);
    await time.advance(1);
    assert.equal(endpoint.pending.length, 1);
    tokens.close();
  });

  test('a failed background refresh is retried on a backoff while the old token is valid', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const errors: unknown[] = [];
    const tokens = cache(time, endpoint, { onRefreshError: (e: unknown) => errors.push(e) });
    await firstToken(time, endpoint, tokens);
    await time.advance(HOUR - 60_000);
    endpoint.fail(new OpenMessagingApiError({ operation: 'requestToken', status: 503 }));
    await time.advance(0);
    assert.equal(errors.length, 1);
    assert.equal(await tokens.get(signal()), 'token-1');
    // Backoff: initial 1 s, full jitter with random 0.5 → 500 ms.
    await time.advance(500);
    assert.equal(endpoint.pending.length, 1);
    endpoint.answer(HOUR);
    await time.advance(0);
    assert.equal(await tokens.get(signal()), 'token-2');
    tokens.close();
  });

  test('an expired token is never handed out: callers wait for the refresh in flight', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint);
    assert.equal(await firstToken(time, endpoint, tokens), 'token-1');
    await time.advance(HOUR - 60_000); // the refresh is sent and left unanswered
    assert.equal(endpoint.pending.length, 1);
    await time.advance(60_000); // now past expiry
    const waiting = tokens.get(signal());
    let settled = false;
    void waiting.then(() => (settled = true));
    await time.advance(0);
    assert.equal(settled, false);
    assert.equal(endpoint.pending.length, 1, 'joins the refresh in flight');
    endpoint.answer(HOUR);
    assert.equal(await waiting, 'token-2');
    tokens.close();
  });

  test('invalidate after a 401: N calls failing with the same token cause one new request', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint);
    const old = await firstToken(time, endpoint, tokens);
    tokens.invalidate(old);
    tokens.invalidate(old);
    const again = [tokens.get(signal()), tokens.get(signal())];
    await time.advance(0);
    assert.equal(endpoint.pending.length, 1);
    endpoint.answer();
    assert.deepEqual(await Promise.all(again), ['token-2', 'token-2']);
    tokens.invalidate(old); // stale: ignored
    assert.equal(await tokens.get(signal()), 'token-2');
    assert.equal(tokens.fetches, 2);
    tokens.close();
  });

  test('invalid_client is permanent and remembered for the cool-down (no hammering of the login service)', async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint, { authFailureCooldownMs: 30_000 });
    const first = tokens.get(signal());
    await time.advance(0);
    endpoint.fail(new OpenMessagingAuthError({ status: 401, oauthError: 'invalid_client' }));
    const err = await first.catch((e: unknown) => e);
    assert.ok(err instanceof OpenMessagingAuthError);
    assert.equal(err.isPermanent, true);
    assert.match(err.message, /client id, the client secret and the region/);
    await assert.rejects(tokens.get(signal()), OpenMessagingAuthError);
    assert.equal(endpoint.pending.length, 0, 'no request during the cool-down');
    await time.advance(30_000);
    const later = tokens.get(signal());
    await time.advance(0);
    assert.equal(endpoint.pending.length, 1);
    endpoint.answer();
    assert.equal(await later, 'token-1');
    tokens.close();
  });

  test("a caller's abort does not cancel the shared request for the others; close() rejects", async () => {
    const time = new VirtualTime();
    const endpoint = tokenEndpoint();
    const tokens = cache(time, endpoint);
    const ac = new AbortController();
    const aborted = tokens.get(ac.signal);
    const other = tokens.get(signal());
    await time.advance(0);
    ac.abort();
    await assert.rejects(aborted, OpenMessagingAbortedError);
    endpoint.answer();
    assert.equal(await other, 'token-1');
    tokens.close();
    await assert.rejects(tokens.get(signal()), OpenMessagingAbortedError);
    assert.equal(time.pending, 0, 'no timer left behind');
  });
});

// What a failed exchange says about itself, read from real failures on 127.0.0.1: a refused
// connection never sent anything; a connection dropped after the request was written may have been
// acted on. Both providers' error mapping rests on this (their map-errors tests cover the mapping).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { dispatchExchange } from '../../src/http/dispatch-exchange.ts';
import {
  describeCause,
  failedToConnect,
  isRetryableStatus,
  systemErrorCode,
} from '../../src/http/exchange-failure.ts';
import { freePort } from '../support/gateway-process.ts';

const failureOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('the exchange was expected to fail');
};

describe('exchange failures', () => {
  // Reads the request, then drops the connection without an answer.
  const dropping = createServer((req) => {
    req.resume();
    req.on('end', () => req.socket.destroy());
  });
  const agent = new Agent({ connections: 1 });
  let droppingUrl = '';

  before(async () => {
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    droppingUrl = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/x`;
  });
  after(async () => {
    await agent.close();
    await new Promise((resolve) => dropping.close(resolve));
  });

  test('408, 429 and every 5xx are worth retrying; other statuses are not', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599]) assert.equal(isRetryableStatus(status), true);
    for (const status of [200, 204, 301, 400, 401, 403, 404, 409, 413, 422])
      assert.equal(isRetryableStatus(status), false);
  });

  test('a refused connection: nothing was sent, and its code is what the message shows', async () => {
    const port = await freePort();
    const err = await failureOf(
      dispatchExchange(agent, `http://127.0.0.1:${port}/x`, { method: 'POST', headers: {}, body: '{}' }),
    );
    assert.equal(systemErrorCode(err), 'ECONNREFUSED');
    assert.equal(describeCause(err), ' (ECONNREFUSED)');
    assert.equal(failedToConnect(err), true);
    // fetch-style clients wrap the socket's error in the cause of their own: read the same.
    const wrapped = new TypeError('fetch failed', { cause: err });
    assert.equal(failedToConnect(wrapped), true);
    assert.equal(describeCause(wrapped), ' (ECONNREFUSED)');
  });

  test('a connection dropped after the request went out may have been acted on', async () => {
    const err = await failureOf(
      dispatchExchange(agent, droppingUrl, { method: 'POST', headers: {}, body: '{"a":1}' }),
    );
    assert.notEqual(systemErrorCode(err), undefined);
    assert.equal(failedToConnect(err), false);
  });

  test('an error without a system code: no code, not a connect failure', () => {
    for (const err of [new Error('boom'), 'text', undefined, { code: 'ECONNREFUSED' }]) {
      assert.equal(systemErrorCode(err), undefined);
      assert.equal(describeCause(err), '');
      assert.equal(failedToConnect(err), false);
    }
  });
});

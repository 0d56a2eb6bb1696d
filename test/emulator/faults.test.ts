// Fault injection: error statuses for the next N guest calls (optionally for one conversation),
// delays, listing and clearing pending faults.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { sleep } from '../support/sleep.ts';
import { agentApi, createChat, GUEST, http, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator();
});
after(() => emulator.close());

test('503 for the next two calls, then normal service; pending faults are listed and consumed', async () => {
  const chat = await createChat(emulator);
  const added = await agentApi(emulator, 'POST', '/faults', { kind: 'http-error', status: 503, count: 2 });
  assert.equal(added.status, 201);
  const listed = await agentApi(emulator, 'GET', '/faults');
  assert.deepEqual(
    (listed.body as { pending: { kind: string; status: number; remaining: number }[] }).pending.map((f) => [
      f.kind,
      f.status,
      f.remaining,
    ]),
    [['http-error', 503, 2]],
  );
  for (let i = 0; i < 2; i += 1) {
    const failed = await http(emulator, 'GET', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt });
    assert.equal(failed.status, 503);
    assert.equal((failed.body as { code: string }).code, 'service.unavailable');
    assert.equal((failed.body as { contextId: string }).contextId, failed.headers.get('inin-correlation-id'));
  }
  assert.equal((await http(emulator, 'GET', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt })).status, 200);
  assert.deepEqual((await agentApi(emulator, 'GET', '/faults')).body, { pending: [] });
});

test('429 carries Retry-After and the normalised §11.3 body; faults hit create too and skip the agent API', async () => {
  await agentApi(emulator, 'POST', '/faults', { kind: 'http-error', status: 429, retryAfterSeconds: 3 });
  assert.equal((await agentApi(emulator, 'GET', '/healthz')).status, 200);
  const limited = await http(emulator, 'POST', GUEST, { body: {} });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '3');
  assert.deepEqual(limited.body, {
    message: 'Rate limit exceeded the maximum. Retry the request in [3] seconds',
    code: 'too.many.requests.retry.after',
    status: 429,
    contextId: limited.headers.get('inin-correlation-id'),
    details: [],
    errors: [],
  });
});

test('a fault scoped to one conversation leaves the others alone', async () => {
  const a = await createChat(emulator);
  const b = await createChat(emulator);
  await agentApi(emulator, 'POST', '/faults', { kind: 'http-error', status: 500, conversationId: a.id });
  assert.equal((await http(emulator, 'GET', `${GUEST}/${b.id}/members`, { jwt: b.jwt })).status, 200);
  const failed = await http(emulator, 'GET', `${GUEST}/${a.id}/members`, { jwt: a.jwt });
  assert.equal(failed.status, 500);
  assert.equal((failed.body as { code: string }).code, 'internal.server.error');
});

test('a delay fault is applied once and then consumed; DELETE clears pending faults', async () => {
  const chat = await createChat(emulator);
  await agentApi(emulator, 'POST', '/faults', { kind: 'delay', delayMs: 30 });
  const delayed = await http(emulator, 'GET', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt });
  assert.equal(delayed.status, 200);
  assert.deepEqual((await agentApi(emulator, 'GET', '/faults')).body, { pending: [] });

  await agentApi(emulator, 'POST', '/faults', { kind: 'http-error', status: 504, count: 5 });
  await agentApi(emulator, 'POST', '/faults', { kind: 'delay', delayMs: 10, count: 5 });
  assert.deepEqual((await agentApi(emulator, 'DELETE', '/faults')).body, { cleared: 2 });
  assert.equal((await http(emulator, 'GET', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt })).status, 200);
});

test('close() does not wait for a pending delay fault', async () => {
  const other = await startTestEmulator();
  const chat = await createChat(other);
  await agentApi(other, 'POST', '/faults', { kind: 'delay', delayMs: 120_000 });
  const pending = http(other, 'GET', `${GUEST}/${chat.id}/members`, { jwt: chat.jwt }).catch(() => undefined);
  await sleep(20);
  await other.close();
  await pending;
});

test('api "platform" faults hit the OAuth and platform routes, not the guest API', async () => {
  await agentApi(emulator, 'POST', '/faults', {
    kind: 'http-error',
    status: 503,
    api: 'platform',
    retryAfterSeconds: 2,
  });
  const guest = await createChat(emulator);
  assert.ok(guest.id);
  const token = await http(emulator, 'POST', '/login/oauth/token', {
    raw: 'grant_type=client_credentials&client_id=emulator-client&client_secret=emulator-secret',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(token.status, 503);
  assert.equal(token.headers.get('retry-after'), '2');
  assert.equal((token.body as { code: string }).code, 'service.unavailable');
  assert.deepEqual((await agentApi(emulator, 'GET', '/faults')).body, { pending: [] });
});

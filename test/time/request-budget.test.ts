import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EnvironmentBudgets, RequestBudget } from '../../src/time/request-budget.ts';
import { VirtualTime } from '../../src/time/virtual-time.ts';

it('lets a burst go at once, then one request per 1/rate s, first come first served', async () => {
  const time = new VirtualTime('2030-01-01T00:00:00Z');
  const budget = new RequestBudget({ requestsPerSecond: 4, burst: 2 }, { clock: time, scheduler: time });
  const went: [number, number][] = [];
  const takes = Array.from({ length: 6 }, (_, i) =>
    budget.take().then(() => went.push([i, time.nowMs % 10_000])),
  );
  await time.advance(2_000);
  await Promise.all(takes);
  assert.deepEqual(went, [
    [0, 0],
    [1, 0],
    [2, 250],
    [3, 500],
    [4, 750],
    [5, 1000],
  ]);
});

it('a waiting call whose signal fires leaves the line; the next one takes its turn', async () => {
  const time = new VirtualTime('2030-01-01T00:00:00Z');
  const budget = new RequestBudget({ requestsPerSecond: 1, burst: 1 }, { clock: time, scheduler: time });
  await budget.take();
  const abort = new AbortController();
  const cut = budget.take(abort.signal);
  let nextAt = -1;
  const next = budget.take().then(() => (nextAt = time.nowMs % 10_000));
  abort.abort(new Error('gone'));
  await assert.rejects(cut, /gone/);
  await time.advance(1_000);
  await next;
  assert.equal(nextAt, 1_000);
});

it('one bucket per origin: another Genesys environment is not held up', async () => {
  const time = new VirtualTime('2030-01-01T00:00:00Z');
  const budgets = new EnvironmentBudgets(
    { requestsPerSecond: 1, burst: 1 },
    { clock: time, scheduler: time },
  );
  const calls: string[] = [];
  const fetch = budgets.wrap((url) => {
    calls.push(url);
    return Promise.resolve(new Response('{}'));
  });
  await fetch('https://api.mypurecloud.de/a', {});
  const held = fetch('https://api.mypurecloud.de/b', {});
  await fetch('https://api.mypurecloud.com/c', {});
  assert.deepEqual(calls, ['https://api.mypurecloud.de/a', 'https://api.mypurecloud.com/c']);
  await time.advance(1_000);
  await held;
  assert.equal(calls.length, 3);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InFlightLimit } from '../../../src/core/concurrency/in-flight-limit.ts';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const never = new AbortController().signal;

test('at most `max` tasks run at once; the others start in arrival order as tasks finish', async () => {
  const limit = new InFlightLimit(3);
  const open: { id: number; done: () => void }[] = [];
  const started: number[] = [];
  let peak = 0;
  const all = Array.from({ length: 10 }, (_, id) =>
    limit.run(
      never,
      () =>
        new Promise<void>((resolve) => {
          started.push(id);
          open.push({ id, done: resolve });
          peak = Math.max(peak, open.length);
        }),
    ),
  );
  await settle();
  assert.deepEqual(started, [0, 1, 2]);
  while (open.length) {
    open.shift()?.done();
    await settle();
  }
  await Promise.all(all);
  assert.equal(peak, 3);
  assert.deepEqual(
    started,
    Array.from({ length: 10 }, (_, i) => i),
  );
});

test('a waiting task that is aborted leaves the line and rejects with the reason; a failed task frees its slot', async () => {
  const limit = new InFlightLimit(1);
  const ran: string[] = [];
  const task =
    (name: string, fail = false) =>
    async (): Promise<void> => {
      ran.push(name);
      await settle();
      if (fail) throw new Error('network');
    };
  const first = limit.run(never, task('first', true));
  const abort = new AbortController();
  const aborted = limit.run(abort.signal, task('aborted'));
  const third = limit.run(never, task('third'));
  abort.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  await assert.rejects(first, /network/);
  await third;
  assert.deepEqual(ran, ['first', 'third']);

  const gone = new AbortController();
  gone.abort(new Error('gone'));
  const blocker = limit.run(never, task('blocker'));
  await assert.rejects(limit.run(gone.signal, task('late')), /gone/);
  await blocker;
  assert.deepEqual(ran, ['first', 'third', 'blocker']);
});

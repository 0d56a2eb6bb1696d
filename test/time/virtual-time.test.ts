import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sleep } from '../../src/core/ports/scheduler.ts';
import { VirtualTime } from '../../src/time/virtual-time.ts';

it('fires timers in time order at their own time, intervals repeatedly, cancelled ones never', async () => {
  const time = new VirtualTime('2030-01-01T00:00:00Z');
  const seen: string[] = [];
  time.after(300, () => seen.push(`b@${time.nowMs % 100_000}`));
  time.after(100, () => seen.push(`a@${time.nowMs % 100_000}`));
  const cancelled = time.after(200, () => seen.push('never'));
  const tick = time.every(250, () => seen.push('tick'));
  cancelled.cancel();
  await time.advance(600);
  tick.cancel();
  await time.advance(1_000);
  assert.deepEqual(seen, ['a@100', 'tick', 'b@300', 'tick']);
  assert.equal(time.now().toISOString(), '2030-01-01T00:00:01.600Z');
});

it('lets the promise chain a timer starts settle before the next timer fires', async () => {
  const time = new VirtualTime();
  const seen: number[] = [];
  void (async () => {
    for (let i = 0; i < 3; i++) {
      await sleep(time, 10);
      seen.push(time.nowMs % 1000);
    }
  })();
  await time.advance(30);
  assert.deepEqual(seen, [10, 20, 30]);
  assert.equal(await time.advanceUntil(() => true, 0), true);
});

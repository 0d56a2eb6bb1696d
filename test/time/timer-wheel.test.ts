import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TimerWheel } from '../../src/time/timer-wheel.ts';
import { VirtualTime } from '../../src/time/virtual-time.ts';

const start = '2030-01-01T00:00:00.000Z';

it('fires each timer on the first tick at or after its due time — never early, at most a tick late', async () => {
  const time = new VirtualTime(start);
  const wheel = new TimerWheel(time, () => time.nowMs, 1_000);
  const fired: Record<string, number> = {};
  for (const ms of [0, 1, 999, 1_000, 1_001, 2_500, 75_000])
    wheel.after(ms, () => (fired[String(ms)] = time.nowMs - Date.parse(start)));
  await time.advance(80_000);
  for (const [ms, at] of Object.entries(fired)) {
    assert.ok(at >= Number(ms), `${ms} fired early at ${at}`);
    assert.ok(at < Number(ms) + 1_000 + 1, `${ms} fired ${at - Number(ms)} ms late`);
  }
  assert.equal(Object.keys(fired).length, 7);
  assert.equal(wheel.pending, 0);
});

it('runs one interval of the underlying scheduler however many timers are pending, none when idle', async () => {
  const time = new VirtualTime(start);
  const wheel = new TimerWheel(time, () => time.nowMs, 1_000);
  const handles = Array.from({ length: 10_000 }, (_, i) => wheel.after(30_000 + i, () => undefined));
  assert.equal(time.pending, 1);
  assert.equal(wheel.pending, 10_000);
  for (const h of handles.slice(0, 5_000)) h.cancel();
  assert.equal(wheel.pending, 5_000);
  await time.advance(45_000);
  assert.equal(wheel.pending, 0);
  assert.equal(time.pending, 0, 'the interval stops when nothing is pending');
});

it('cancelled timers never fire; intervals repeat until cancelled; a throwing one does not stop its tick', async () => {
  const time = new VirtualTime(start);
  const wheel = new TimerWheel(time, () => time.nowMs, 100);
  const seen: string[] = [];
  wheel.after(250, () => seen.push('never')).cancel();
  const every = wheel.every(1_000, () => seen.push('every'));
  wheel.after(500, () => {
    throw new Error('boom');
  });
  wheel.after(500, () => seen.push('same tick'));
  // The error surfaces from the tick (as from a plain timer) after the others due in it ran.
  await assert.rejects(time.advance(3_050), /boom/);
  await time.advance(3_050);
  every.cancel();
  await time.advance(5_000);
  assert.deepEqual(seen, ['same tick', 'every', 'every', 'every']);
});

it('after a long stall fires everything overdue, in due order', () => {
  let now = Date.parse(start);
  const intervals: (() => void)[] = [];
  const base = {
    after: () => ({ cancel: () => undefined }),
    every: (_ms: number, fn: () => void) => {
      intervals.push(fn);
      return { cancel: () => intervals.splice(intervals.indexOf(fn), 1) };
    },
  };
  const wheel = new TimerWheel(base, () => now, 1_000);
  const seen: number[] = [];
  for (const ms of [90_000, 5_000, 40_000]) wheel.after(ms, () => seen.push(ms));
  now += 30 * 24 * 3_600_000; // a month asleep
  intervals[0]!();
  assert.deepEqual(seen, [5_000, 40_000, 90_000]);
  assert.equal(intervals.length, 0);
});

it('calls a timer function with the argument it was given, as every scheduler does', async () => {
  const time = new VirtualTime(start);
  const wheel = new TimerWheel(time, () => time.nowMs, 1_000);
  const { systemScheduler } = await import('../../src/time/system-time.ts');
  const { plainTimers } = await import('../../src/providers/genesys-guest-chat/support/plain-timers.ts');
  const seen: string[] = [];
  const note = (who: { name: string }): void => void seen.push(who.name);
  wheel.after(1_500, note, { name: 'wheel' });
  time.after(500, note, { name: 'virtual' });
  await time.advance(3_000);
  const keepAlive = setInterval(() => undefined, 1_000); // the system scheduler's timers are unref'd
  await new Promise<void>((resolve) => {
    systemScheduler.after(1, (who) => (note(who), resolve()), { name: 'system' });
  });
  clearInterval(keepAlive);
  await new Promise<void>((resolve) => {
    plainTimers.after(1, (who) => (note(who), resolve()), { name: 'plain' });
  });
  assert.deepEqual(seen, ['virtual', 'wheel', 'system', 'plain']);
});

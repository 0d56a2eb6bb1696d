// The periodic purge on virtual time: due handovers go at start and at every interval, in batches
// until none is left; a failing run is logged and tried again; stop() waits for a run in progress.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RetentionRepository } from '../../../src/core/ports/store/index.ts';
import { RetentionService } from '../../../src/core/services/retention-service.ts';
import { VirtualTime } from '../../../src/time/virtual-time.ts';
import { RecordingLogger } from '../../support/recording-logger.ts';

test('purges at start and every interval, batch after batch; failures logged and retried', async () => {
  const time = new VirtualTime('2030-01-01T00:00:00.000Z');
  const calls: { before: string; limit: number }[] = [];
  let due = 450;
  let failNext = false;
  const retention: RetentionRepository = {
    purgeEnded: (before, limit) => {
      calls.push({ before, limit });
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('database is down'));
      }
      const n = Math.min(due, limit);
      due -= n;
      return Promise.resolve(n);
    },
  };
  const logger = new RecordingLogger();
  const service = new RetentionService({ retention, clock: time, logger, days: 30 });
  service.start(time, 60_000);
  await time.advance(1);
  assert.equal(due, 0, 'everything due went at start');
  assert.deepEqual(
    calls.map((c) => c.before),
    Array<string>(3).fill('2029-12-02T00:00:00.000Z'),
  );
  assert.equal(calls.length, 3, '200 + 200 + 50: until a batch is not full');
  failNext = true;
  due = 5;
  await time.advance(60_000);
  assert.equal(due, 5, 'the failed run deleted nothing');
  assert.ok(logger.lines.some((r) => r.msg === 'retention: purge failed; trying again later'));
  await time.advance(60_000);
  assert.equal(due, 0, 'the next run did');
  assert.equal(calls.at(-1)?.before, '2029-12-02T00:02:00.000Z');
  await service.stop();
  const count = calls.length;
  await time.advance(600_000);
  assert.equal(calls.length, count, 'stopped');
});

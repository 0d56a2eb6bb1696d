// The group committer's own logic, on a writer that records what it is asked (a real module under
// test; the writer is the adapter seam). The SQL adapters are checked by the store contract suite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommitter, RefusedWrite, type BatchWriter, type Write } from '../../src/store/group-commit.ts';

type Log = string[];

/**
 * Runs writes against a log, a batch as one transaction (a write that throws rolls the log back and
 * fails the batch); `failBatch` makes the next batch transaction fail as a whole.
 */
function recordingWriter(): BatchWriter<Write<Log>> & {
  batches: number[];
  singles: number;
  failBatch: boolean;
  log: Log;
} {
  const w = {
    batches: [] as number[],
    singles: 0,
    failBatch: false,
    log: [] as Log,
    async writeBatch(writes: readonly Write<Log>[]): Promise<unknown[]> {
      w.batches.push(writes.length);
      if (w.failBatch) {
        w.failBatch = false;
        throw new Error('connection lost');
      }
      const before = w.log.length;
      const values: unknown[] = [];
      try {
        for (const write of writes) {
          try {
            values.push(await write(w.log));
          } catch (err) {
            if (!(err instanceof RefusedWrite)) throw err;
            values.push(err);
          }
        }
      } catch (err) {
        w.log.length = before;
        throw err;
      }
      return values;
    },
    async writeOne(write: Write<Log>): Promise<unknown> {
      w.singles += 1;
      return await write(w.log);
    },
  };
  return w;
}

test('writes submitted in one turn form one batch, applied in submission order', async () => {
  const writer = recordingWriter();
  const committer = new GroupCommitter(writer);
  const results = await Promise.all(
    [1, 2, 3, 4].map((n) =>
      committer.submit((log) => {
        log.push(`w${n}`);
        return n * 10;
      }),
    ),
  );
  assert.deepEqual(results, [10, 20, 30, 40]);
  assert.deepEqual(writer.batches, [4]);
  assert.deepEqual(writer.log, ['w1', 'w2', 'w3', 'w4']);
});

test('a failing write rejects alone', async () => {
  const writer = recordingWriter();
  const committer = new GroupCommitter(writer);
  const results = await Promise.allSettled([
    committer.submit(() => 'a'),
    committer.submit(() => {
      throw new Error('conflict');
    }),
    committer.submit(() => 'c'),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});

test('when the batch transaction fails, each write is retried alone and gets its own answer', async () => {
  const writer = recordingWriter();
  writer.failBatch = true;
  const committer = new GroupCommitter(writer);
  const results = await Promise.allSettled([
    committer.submit((log) => log.push('a')),
    committer.submit(() => {
      throw new Error('bad');
    }),
    committer.submit((log) => log.push('c')),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.equal(writer.singles, 3);
  assert.deepEqual(writer.log, ['a', 'c']);
});

test('writes submitted while a batch is in flight form the next batch; maxBatch caps a batch', async () => {
  const writer = recordingWriter();
  const committer = new GroupCommitter(writer, { maxBatch: 2 });
  const first = committer.submit(() => 1);
  await Promise.resolve();
  const rest = [2, 3, 4].map((n) => committer.submit(() => n));
  assert.deepEqual(await Promise.all([first, ...rest]), [1, 2, 3, 4]);
  assert.deepEqual(writer.batches, [2, 2]);
  await committer.idle();
  assert.throws(() => new GroupCommitter(writer, { maxBatch: 0 }), RangeError);
});

test('a refused write fails alone with its own error; the batch commits the others, nothing runs alone', async () => {
  const w = recordingWriter();
  const observed: [number, boolean][] = [];
  const committer = new GroupCommitter(w, { onBatch: (size, committed) => observed.push([size, committed]) });
  const conflict = new Error('version conflict');
  const results = await Promise.allSettled([
    committer.submit((log) => log.push('a')),
    committer.submit(() => {
      throw new RefusedWrite(conflict);
    }),
    committer.submit((log) => log.push('c')),
  ]);
  assert.equal(results[0].status, 'fulfilled');
  assert.ok(results[1].status === 'rejected');
  assert.equal(results[1].reason, conflict);
  assert.equal(results[2].status, 'fulfilled');
  assert.deepEqual(w.log, ['a', 'c']);
  assert.deepEqual(w.batches, [3]);
  assert.equal(w.singles, 0);
  assert.deepEqual(observed, [[3, true]]);
});

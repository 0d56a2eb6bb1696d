// Group commit (design §8): the writes submitted while the event loop runs one turn — across
// handovers — go to the database together, in ONE transaction and so ONE fsync, and each caller's
// promise settles only after that transaction committed ("persisted before acknowledged": the bot's
// 202 and the Genesys-side cursor move wait for their batch).
//
// What each write keeps:
// - Its own verdict. Both adapters run the batch without a savepoint per write (SQLite: ~15 µs of
//   the writer's CPU per write; PostgreSQL: two round trips): should any write fail, the adapter
//   rolls the batch back and throws, and every write runs again in a transaction of its own, so a
//   constraint violation fails that write alone, never the others. A write that refuses before it
//   changes anything (RefusedWrite: a version conflict, a duplicate provider message) fails alone
//   without that: the batch commits the others as one. A batch transaction that fails as a whole
//   (a lost connection, a full disk, a lock time-out) is split too: every write is retried alone,
//   in order, and gets its own answer.
// - Its order. Writes are applied in the order they were submitted, batch after batch; one batch is
//   in flight at a time. (Per handover the unit queue already keeps one commit in flight.)
//
// What a write is belongs to the adapter: PostgreSQL's is a function of its transaction handle
// (`Write<Tx>`), SQLite's an operation as data (it may run in the writer thread). It may run more
// than once (after a batch failure), so it must do nothing but SQL.
//
// The committer knows no SQL: an adapter supplies a BatchWriter. A later write that must check
// something in the same transaction (a lease's fencing token, a retention purge) is one more write.

/**
 * Thrown by a write that checked and declined before it changed anything — a version conflict, a
 * provider message the handover holds already, a lost lease. A batch writer catches it, goes on with
 * the batch's other writes and answers it in their place (`writeBatch`); the write's caller gets
 * `error`. Any other throw fails the whole batch, and every write of it then runs alone, with a
 * commit (an fsync) each: on the Open Messaging path a duplicate webhook call did that to whole
 * batches (issue 12, bench/README.md round seventeen).
 */
export class RefusedWrite extends Error {
  readonly error: Error;

  constructor(error: Error) {
    super(error.message);
    this.name = 'RefusedWrite';
    this.error = error;
  }
}

/** One write: SQL on the transaction handle `tx`, returning what the caller gets. */
export type Write<Tx, T = unknown> = (tx: Tx) => T | Promise<T>;

export interface BatchWriter<W> {
  /**
   * Runs the writes, in order, in ONE transaction and commits it; returns what each write answered
   * — a RefusedWrite for a write that refused (it changed nothing; the others commit). Throws when a
   * write threw anything else or the transaction could not commit: then nothing of the batch is
   * stored, and each write runs again alone (writeOne).
   */
  writeBatch(writes: readonly W[]): Promise<unknown[]>;
  /** Runs one write in a transaction of its own (the fallback after a failed batch); it may throw a RefusedWrite. */
  writeOne(write: W): Promise<unknown>;
}

export interface GroupCommitOptions {
  /**
   * When a new batch starts collecting: the flush runs at `schedule(flush)`. Default `setImmediate`:
   * after the I/O callbacks of the current turn, so every write they submitted shares the batch.
   */
  readonly schedule?: (flush: () => void) => void;
  /** Most writes in one transaction; the rest wait for the next batch. Default 1,000. */
  readonly maxBatch?: number;
  /** Observes each batch (metrics, benchmarks): how many writes, and whether it committed as one. */
  readonly onBatch?: (size: number, committed: boolean) => void;
}

interface Queued<W> {
  readonly write: W;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommitter<W> {
  readonly #writer: BatchWriter<W>;
  readonly #schedule: (flush: () => void) => void;
  readonly #maxBatch: number;
  readonly #onBatch: GroupCommitOptions['onBatch'];
  #queue: Queued<W>[] = [];
  /** A flush is scheduled or running: new writes just join the queue. */
  #busy = false;
  /** Resolved when the queue is empty again (close waits for it). */
  #drained: Promise<void> = Promise.resolve();
  #markDrained: () => void = () => undefined;

  constructor(writer: BatchWriter<W>, options: GroupCommitOptions = {}) {
    this.#writer = writer;
    this.#schedule = options.schedule ?? ((flush) => setImmediate(flush));
    this.#maxBatch = options.maxBatch ?? 1000;
    if (!(this.#maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
    this.#onBatch = options.onBatch;
  }

  /**
   * Queues a write for the next batch; resolves with its result once its transaction committed.
   * `T` is what the write answers (the adapter knows; the committer passes it through).
   */
  submit<T>(write: W): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#busy) {
        this.#busy = true;
        this.#drained = new Promise((done) => (this.#markDrained = done));
        this.#schedule(() => void this.#flush());
      }
    });
  }

  /** Resolves once every write submitted so far has settled (before closing the database). */
  idle(): Promise<void> {
    return this.#drained;
  }

  async #flush(): Promise<void> {
    // Writes submitted while this batch is in flight form the next one (that is the grouping under
    // a database that answers asynchronously: PostgreSQL).
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, this.#maxBatch);
      this.#queue = this.#queue.slice(batch.length);
      await this.#commit(batch);
    }
    this.#busy = false;
    this.#markDrained();
  }

  async #commit(batch: readonly Queued<W>[]): Promise<void> {
    let values: unknown[] | undefined;
    try {
      values = await this.#writer.writeBatch(batch.map((q) => q.write));
    } catch {
      values = undefined;
    }
    this.#observe(batch.length, values !== undefined);
    if (values) {
      if (values.length !== batch.length) {
        const err = new Error('batch writer returned a value per write it was not given');
        for (const q of batch) q.reject(err);
      } else
        batch.forEach((q, i) => {
          const value = values[i];
          if (value instanceof RefusedWrite) q.reject(value.error);
          else q.resolve(value);
        });
      return;
    }
    // A write failed or the transaction did: nothing of it is stored. Each write alone, in order, so
    // one bad write (or a transient failure) costs the others nothing but time.
    for (const q of batch) {
      try {
        q.resolve(await this.#writer.writeOne(q.write));
      } catch (err) {
        q.reject(err instanceof RefusedWrite ? err.error : err);
      }
    }
  }

  #observe(size: number, committed: boolean): void {
    try {
      this.#onBatch?.(size, committed);
    } catch {
      // An observer's bug must not stop the writes.
    }
  }
}

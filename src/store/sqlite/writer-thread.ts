// The SQLite writer thread: a worker_thread that owns the file's write connection and runs each
// group-commit batch there (writer-worker.ts), so the batch's SQL and its COMMIT (an fsync under
// synchronous=FULL) no longer stop the event loop. Why a thread, measured (bench/README.md,
// "Where the CPU goes"): on the agent → bot path about a third of the gateway's CPU was SQLite
// (statements and commits) run on the one thread that also parses Genesys frames, posts webhooks and
// answers the bot — every batch held all of that up for its whole duration. In the thread, batches
// use the machine's second core while the main thread goes on. The price is ~15–20 % more CPU per
// message for the process as a whole (structured clone, wake-ups, the reading connection re-reading
// pages the writer changed): on a machine with no core to spare, `store.writer: inline` is cheaper.
//
// What does not change: a write's promise settles only after its batch committed ("persisted before
// acknowledged" — the bot's 202 and the cursor move still wait for it); batches run one at a time in
// submission order (the group committer keeps one in flight; the thread answers in order), so the
// per-handover order holds. Reads stay on the main thread's own connection: under WAL they see every
// committed batch and never wait for the writer.
import { Worker } from 'node:worker_threads';
import type { BatchWriter } from '../group-commit.ts';
import type { SqliteOptions } from './connection.ts';
import type { SqliteWriteOp } from './sqlite-writer.ts';
import { batchFromWire, fromWire, type WriterReply, type WriterRequest } from './writer-protocol.ts';

/** A request before it is numbered (distributes over the union). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class WriterThread implements BatchWriter<SqliteWriteOp> {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  /** Set once the thread is gone: every later write fails with it. */
  #dead: Error | undefined;
  #closing = false;
  readonly #exited: Promise<void>;

  constructor(options: Pick<SqliteOptions, 'path' | 'busyTimeoutMs'>) {
    this.#worker = startWorker({ path: options.path, busyTimeoutMs: options.busyTimeoutMs });
    this.#worker.on('message', (reply: WriterReply) => this.#settle(reply));
    this.#worker.on('error', (err) => this.#fail(err));
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        this.#fail(new Error(`the SQLite writer thread exited (code ${code})`));
        resolve();
      }),
    );
    // Idle, the thread does not keep the process alive; a request in flight does (see #send). Again
    // once it is online: an unref before that does not hold (a process that never wrote would hang).
    this.#idle();
    this.#worker.once('online', () => this.#idle());
  }

  #idle(): void {
    if (this.#pending.size === 0 && !this.#closing) this.#worker.unref();
  }

  writeBatch(ops: readonly SqliteWriteOp[]): Promise<unknown[]> {
    return this.#send<unknown[]>({ kind: 'batch', ops });
  }

  writeOne(op: SqliteWriteOp): Promise<unknown> {
    return this.#send({ kind: 'one', op });
  }

  /** Closes the write connection and ends the thread (after the writes already sent). */
  async close(): Promise<void> {
    // Until it exited: waiting for the exit must keep the process alive.
    this.#closing = true;
    this.#worker.ref();
    if (!this.#dead) await this.#send({ kind: 'close' }).catch(() => undefined);
    await this.#exited;
  }

  #send<T>(request: WithoutId<WriterRequest>): Promise<T> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage({ ...request, id });
    });
  }

  #settle(reply: WriterReply): void {
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    this.#idle();
    if (reply.ok) p.resolve(batchFromWire(reply));
    else p.reject(fromWire(reply.error));
  }

  #fail(err: Error): void {
    this.#dead ??= err;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}

/**
 * The worker runs writer-worker.js next to this file; from the TypeScript sources (tests, the bench,
 * `cli-from-source`) it is writer-worker.ts, loaded through tsx in the thread (a worker does not
 * inherit the loader hooks `tsx` registered in the main thread).
 */
function startWorker(workerData: { path: string; busyTimeoutMs: number | undefined }): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./writer-worker.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

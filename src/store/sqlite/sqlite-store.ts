// The embedded store: the Store port on one SQLite file (or `:memory:`). better-sqlite3 is
// synchronous; every method runs its work inside a Promise executor, so a thrown error becomes a
// rejection and callers use the same async contract as the PostgreSQL adapter. Writes are group
// committed (group-commit.ts): those of one event-loop turn run in one IMMEDIATE transaction — one
// fsync under synchronous=FULL — or, should one of them fail, each in a transaction of its own, so
// the failing write fails alone (sqlite-writer.ts, as the PostgreSQL adapter does). On a file, the
// writes run in the writer thread (writer-thread.ts), which owns the write connection; reads stay
// on this thread's connection (WAL: they see every committed batch). `:memory:` (one private
// database per connection) and a traced store write here.
import type Database from 'better-sqlite3';
import type {
  EventLog,
  HandoverRepository,
  ParkedEventRepository,
  RetentionRepository,
  Store,
  TranscriptRepository,
} from '../../core/ports/store/index.ts';
import { assertBelongs, assertNextVersion, slimCommit } from '../change-set.ts';
import { GroupCommitter, type BatchWriter, type GroupCommitOptions } from '../group-commit.ts';
import { toHandoverFilter } from '../handover-filter.ts';
import { assertLimit } from '../limits.ts';
import { decodeDeadLetterCursor, toDeadLetterPage, toPage } from '../page-cursor.ts';
import { openDatabase, type SqliteOptions } from './connection.ts';
import { sqliteRetention } from './retention-queries.ts';
import { sqliteParkedEvents } from './parked-queries.ts';
import { EventQueries } from './event-queries.ts';
import { HandoverQueries } from './handover-queries.ts';
import { applyMigrations } from './migrate.ts';
import { sqliteMigrations } from './migrations.ts';
import { OutboxQueries } from './outbox-queries.ts';
import { StatementCache } from './statements.ts';
import { TranscriptQueries } from './transcript-queries.ts';
import { SqliteWriter, type CreateResult, type SqliteWriteOp } from './sqlite-writer.ts';
import { WriterThread } from './writer-thread.ts';

export interface SqliteStoreOptions extends SqliteOptions {
  /** Group commit tuning (tests, benchmarks); the defaults suit the gateway. */
  readonly groupCommit?: GroupCommitOptions;
  /**
   * Where the writes of a file run: `thread` (default) in the writer thread, `inline` on this
   * thread's connection. `:memory:` and a traced store always write inline.
   */
  readonly writer?: 'thread' | 'inline';
}

export class SqliteStore implements Store {
  readonly handovers: HandoverRepository;
  readonly transcript: TranscriptRepository;
  readonly events: EventLog;
  readonly retention: RetentionRepository;
  readonly parked: ParkedEventRepository;
  readonly #db: Database.Database;
  readonly #committer: GroupCommitter<SqliteWriteOp>;
  readonly #thread: WriterThread | undefined;

  /** Opens (and creates) the database; call `migrate()` before anything else. */
  constructor(options: SqliteStoreOptions) {
    this.#db = openDatabase(options);
    const sql = new StatementCache(this.#db);
    const handovers = new HandoverQueries(sql);
    const events = new EventQueries(sql);
    const transcript = new TranscriptQueries(sql);
    const outbox = new OutboxQueries(sql);
    const inMemory = options.path === ':memory:' || options.path === '';
    this.#thread =
      inMemory || options.trace || options.writer === 'inline' ? undefined : new WriterThread(options);
    this.#committer = new GroupCommitter(this.#thread ?? inlineWriter(this.#db), options.groupCommit);
    const committer = this.#committer;
    const write = <T>(op: SqliteWriteOp): Promise<T> => committer.submit<T>(op);
    this.retention = sqliteRetention(this.#db);
    this.parked = sqliteParkedEvents(this.#db);

    this.handovers = {
      create: (change) =>
        run(() => {
          assertBelongs(change);
          return write<CreateResult>({ kind: 'create', change });
        }),
      commit: (change) =>
        run(() => {
          assertBelongs(change);
          assertNextVersion(change);
          return write<undefined>({ kind: 'commit', change: slimCommit(change) });
        }),
      get: (id) => run(() => handovers.get(id)),
      list: (query) =>
        run(() => {
          const filter = toHandoverFilter(query);
          return filter ? toPage(handovers.list(filter), query.limit) : { items: [] };
        }),
      listUnended: () => run(() => handovers.listUnended()),
      countByState: () => run(() => handovers.countByState()),
    };

    this.transcript = {
      all: (handoverId) => run(() => transcript.all(handoverId)),
      speakerTimes: (handoverId) => run(() => transcript.speakerTimes(handoverId)),
      hasProviderMessage: (handoverId, providerMessageId) =>
        run(() => transcript.hasProviderMessage(handoverId, providerMessageId)),
      outboundByClientMessageId: (handoverId, clientMessageId) =>
        run(() => transcript.byClientMessageId(handoverId, clientMessageId)),
      maxOutboundOrder: (handoverId) => run(() => transcript.maxOutboundOrder(handoverId)),
      pendingOutbound: (handoverId) => run(() => transcript.pendingOutbound(handoverId)),
    };

    this.events = {
      after: (handoverId, afterSeq, limit) =>
        run(() => {
          assertLimit(limit, 'limit');
          return events.after(handoverId, afterSeq, limit);
        }),
      get: (eventId) => run(() => events.get(eventId)),
      dueDeliveries: (now, limit, exclude = new Set(), among) =>
        run(() => {
          assertLimit(limit, 'limit');
          return outbox.due(now, limit, exclude, among);
        }),
      // An outcome for an event no longer pending (delivered, dead) is ignored; an unknown event throws.
      recordDelivery: (eventId, outcome) => run(() => write<undefined>({ kind: 'record', eventId, outcome })),
      deadLetters: (query) =>
        run(() => {
          assertLimit(query.limit, 'limit');
          const after = query.cursor === undefined ? undefined : decodeDeadLetterCursor(query.cursor);
          const rows = outbox.deadLetters({
            limit: query.limit + 1,
            ...(query.endpoints ? { endpoints: query.endpoints } : {}),
            ...(after ? { after } : {}),
          });
          return toDeadLetterPage(rows, query.limit);
        }),
      replayDeadLetters: (filter, now) => run(() => write<number>({ kind: 'replay', filter, now })),
      outboxStats: () => run(() => outbox.stats()),
    };
  }

  /** Opens and migrates: the usual way to get a ready store. */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const store = new SqliteStore(options);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  migrate(): Promise<void> {
    return run(() => {
      applyMigrations(this.#db, sqliteMigrations, () => new Date());
    });
  }

  /** Idempotent. Writes already submitted are committed first. */
  async close(): Promise<void> {
    await this.#committer.idle();
    await this.#thread?.close();
    if (this.#db.open) this.#db.close();
  }
}

/** The writes on this thread's own connection (`:memory:`, traced stores). */
function inlineWriter(db: Database.Database): BatchWriter<SqliteWriteOp> {
  let writer: SqliteWriter | undefined;
  // Built on first use: its statements are prepared then, after migrate() made the tables.
  const get = (): SqliteWriter => (writer ??= new SqliteWriter(db));
  return {
    writeBatch: (ops) => run(() => get().batch(ops)),
    writeOne: (op) => run(() => get().one(op)),
  };
}

/** Runs synchronous work as a Promise: a throw becomes a rejection, never a synchronous exception. */
function run<T>(work: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(work());
  });
}

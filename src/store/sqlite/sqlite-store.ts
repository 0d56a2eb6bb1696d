// The embedded store: the Store port on one SQLite file (or `:memory:`). better-sqlite3 is
// synchronous; every method runs its work inside a Promise executor, so a thrown error becomes a
// rejection and callers use the same async contract as the PostgreSQL adapter. Writes are group
// committed (group-commit.ts): those of one event-loop turn run in one IMMEDIATE transaction — one
// fsync under synchronous=FULL — each inside a savepoint of its own, so one failing write rolls back
// alone. IMMEDIATE takes the write lock up front, so two processes on one file serialise instead of
// failing with SQLITE_BUSY half-way through.
import type Database from 'better-sqlite3';
import type {
  ChangeSet,
  EventLog,
  HandoverRepository,
  NewHandover,
  ParkedEventRepository,
  RetentionRepository,
  Store,
  TranscriptRepository,
} from '../../core/ports/store/index.ts';
import { VersionConflictError } from '../../core/ports/store/index.ts';
import { assertBelongs, assertNextVersion } from '../change-set.ts';
import { GroupCommitter, type BatchWriter, type GroupCommitOptions, type Settled } from '../group-commit.ts';
import { toHandoverFilter } from '../handover-filter.ts';
import { assertLimit } from '../limits.ts';
import { toPage } from '../page-cursor.ts';
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

export interface SqliteStoreOptions extends SqliteOptions {
  /** Group commit tuning (tests, benchmarks); the defaults suit the gateway. */
  readonly groupCommit?: GroupCommitOptions;
}

/** A SQLite write: synchronous SQL inside the batch's transaction (better-sqlite3 is synchronous). */
type SqliteWrite = () => unknown;

export class SqliteStore implements Store {
  readonly handovers: HandoverRepository;
  readonly transcript: TranscriptRepository;
  readonly events: EventLog;
  readonly retention: RetentionRepository;
  readonly parked: ParkedEventRepository;
  readonly #db: Database.Database;
  readonly #committer: GroupCommitter<void>;

  /** Opens (and creates) the database; call `migrate()` before anything else. */
  constructor(options: SqliteStoreOptions) {
    this.#db = openDatabase(options);
    const sql = new StatementCache(this.#db);
    const handovers = new HandoverQueries(sql);
    const events = new EventQueries(sql);
    const transcript = new TranscriptQueries(sql);
    const outbox = new OutboxQueries(sql);
    this.#committer = new GroupCommitter(batchWriter(this.#db), options.groupCommit);
    const committer = this.#committer;
    const write = <T>(work: () => T): Promise<T> => committer.submit(work);
    this.retention = sqliteRetention(this.#db);
    this.parked = sqliteParkedEvents(this.#db);

    /** Events (+ outbox rows), transcript lines and outbound settlements of a change, in its transaction. */
    const append = (
      change: NewHandover & Partial<Pick<ChangeSet, 'sent' | 'undelivered' | 'attempted'>>,
    ): void => {
      const id = change.handover.id;
      for (const event of change.events ?? []) {
        events.insert(event);
        if (change.webhook) outbox.enqueue(event);
      }
      for (const entry of change.transcript ?? []) transcript.append(entry);
      for (const { entryId, providerMessageId } of change.sent ?? [])
        if (!transcript.settle(id, entryId, { sent: providerMessageId }))
          throw new Error(`handover ${id} has no outbound transcript line ${entryId}`);
      for (const entryId of change.undelivered ?? [])
        if (!transcript.settle(id, entryId, 'undelivered'))
          throw new Error(`handover ${id} has no outbound transcript line ${entryId}`);
      for (const { entryId, at } of change.attempted ?? []) transcript.markAttempt(id, entryId, at);
    };

    this.handovers = {
      create: (change) =>
        run(() => {
          assertBelongs(change);
          const { handover } = change;
          return write(() => {
            // Under the write lock nobody can insert between this check and the INSERT; the partial
            // unique index still guards the rule for writers that skip the check.
            const existing = handovers.findUnended(
              handover.endpointId,
              handover.customer.userId,
              handover.customer.sessionId,
            );
            if (existing) return { created: false, record: existing };
            handovers.insert(change);
            append(change);
            const record = handovers.get(handover.id);
            if (!record) throw new Error(`handover ${handover.id} vanished inside its own transaction`);
            return { created: true, record };
          });
        }),
      commit: (change) =>
        run(() => {
          assertBelongs(change);
          assertNextVersion(change);
          return write(() => {
            if (!handovers.update(change)) {
              if (!handovers.exists(change.handover.id))
                throw new Error(`handover ${change.handover.id} does not exist`);
              throw new VersionConflictError(change.handover.id);
            }
            append(change);
          });
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
      dueDeliveries: (now, limit, exclude = new Set()) =>
        run(() => {
          assertLimit(limit, 'limit');
          return outbox.due(now, limit, exclude);
        }),
      // An outcome for an event no longer pending (delivered, dead) is ignored; an unknown event throws.
      recordDelivery: (eventId, outcome) =>
        run(() =>
          write(() => {
            if (!outbox.record(eventId, outcome) && !events.exists(eventId))
              throw new Error(`no outbox entry for event ${eventId}`);
          }),
        ),
      deadLetters: (limit) =>
        run(() => {
          assertLimit(limit, 'limit');
          return outbox.deadLetters(limit);
        }),
      replayDeadLetters: (filter, now) => run(() => write(() => outbox.replay(filter, now))),
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
    if (this.#db.open) this.#db.close();
  }
}

/**
 * One IMMEDIATE transaction per batch; each write in a savepoint (better-sqlite3 turns a transaction
 * function called inside another into a savepoint, rolled back alone when the write throws).
 */
function batchWriter(db: Database.Database): BatchWriter<void> {
  // Built once (better-sqlite3 wraps each transaction function anew): one write, and a whole batch.
  const inTransaction = db.transaction((write: SqliteWrite) => write());
  const batch = db.transaction((writes: readonly SqliteWrite[]) => writes.map(isolated));
  function isolated(write: SqliteWrite): Settled {
    try {
      return { ok: true, value: inTransaction(write) };
    } catch (error) {
      return { ok: false, error };
    }
  }
  return {
    writeBatch: (writes) => run(() => batch.immediate(writes as readonly SqliteWrite[])),
    writeOne: (write) => run(() => inTransaction.immediate(write as SqliteWrite)),
  };
}

/** Runs synchronous work as a Promise: a throw becomes a rejection, never a synchronous exception. */
function run<T>(work: () => T | Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    resolve(work());
  });
}

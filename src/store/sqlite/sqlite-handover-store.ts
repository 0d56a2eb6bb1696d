// The embedded store: HandoverStore on one SQLite file (or `:memory:`). better-sqlite3 is
// synchronous; every method runs its work inside a Promise executor, so a thrown error becomes a
// rejection and callers use the same async contract as the PostgreSQL adapter. Each write is one
// IMMEDIATE transaction: it takes the write lock up front, so two processes on one file serialise
// instead of failing with SQLITE_BUSY half-way through.
import type Database from 'better-sqlite3';
import type { HandoverEvent } from '../../core/model/events.ts';
import type { Handover, HandoverState } from '../../core/model/handover.ts';
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import { VersionConflictError } from '../../core/ports/store.ts';
import type {
  ChangeSet,
  DeadLetter,
  DeliveryOutcome,
  HandoverRecord,
  HandoverStore,
  ListQuery,
  Page,
  PendingDelivery,
} from '../../core/ports/store.ts';
import { assertBelongs, assertNextVersion } from '../change-set.ts';
import { assertLimit } from '../limits.ts';
import { toHandoverFilter } from '../handover-filter.ts';
import { toPage } from '../page-cursor.ts';
import { openDatabase } from './connection.ts';
import type { SqliteOptions } from './connection.ts';
import { EventQueries } from './event-queries.ts';
import { HandoverQueries } from './handover-queries.ts';
import { applyMigrations } from './migrate.ts';
import { sqliteMigrations } from './migrations.ts';
import { OutboxQueries } from './outbox-queries.ts';
import { StatementCache } from './statements.ts';
import { TranscriptQueries } from './transcript-queries.ts';

export type SqliteHandoverStoreOptions = SqliteOptions;

export class SqliteHandoverStore implements HandoverStore {
  readonly #db: Database.Database;
  readonly #handovers: HandoverQueries;
  readonly #events: EventQueries;
  readonly #transcript: TranscriptQueries;
  readonly #outbox: OutboxQueries;

  /** Opens (and creates) the database; call `migrate()` before anything else. */
  constructor(options: SqliteHandoverStoreOptions) {
    this.#db = openDatabase(options);
    const sql = new StatementCache(this.#db);
    this.#handovers = new HandoverQueries(sql);
    this.#events = new EventQueries(sql);
    this.#transcript = new TranscriptQueries(sql);
    this.#outbox = new OutboxQueries(sql);
  }

  /** Opens and migrates: the usual way to get a ready store. */
  static async open(options: SqliteHandoverStoreOptions): Promise<SqliteHandoverStore> {
    const store = new SqliteHandoverStore(options);
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

  /** Idempotent. */
  close(): Promise<void> {
    return run(() => {
      if (this.#db.open) this.#db.close();
    });
  }

  createHandover(
    change: Omit<ChangeSet, 'expectedVersion'>,
  ): Promise<{ created: boolean; record: HandoverRecord }> {
    return run(() => {
      assertBelongs(change);
      const { handover } = change;
      return this.#write(() => {
        // Under the write lock nobody can insert between this check and the INSERT; the partial
        // unique index still guards the rule for writers that skip the check.
        const existing = this.#handovers.findUnended(
          handover.endpointId,
          handover.customer.userId,
          handover.customer.sessionId,
        );
        if (existing) return { created: false, record: existing };
        this.#handovers.insert(handover, change.providerRef);
        this.#append(change);
        return { created: true, record: this.#mustGet(handover.id) };
      });
    });
  }

  commit(change: ChangeSet): Promise<void> {
    return run(() => {
      assertBelongs(change);
      assertNextVersion(change);
      const { handover, expectedVersion } = change;
      this.#write(() => {
        if (!this.#handovers.update(handover, expectedVersion, change.providerRef)) {
          if (!this.#handovers.exists(handover.id)) throw new Error(`handover ${handover.id} does not exist`);
          throw new VersionConflictError(handover.id);
        }
        this.#append(change);
      });
    });
  }

  getHandover(id: string): Promise<HandoverRecord | undefined> {
    return run(() => this.#handovers.get(id));
  }

  listHandovers(query: ListQuery): Promise<Page<Handover>> {
    return run(() => {
      const filter = toHandoverFilter(query);
      if (!filter) return { items: [] };
      return toPage(this.#handovers.list(filter), query.limit);
    });
  }

  listUnended(): Promise<HandoverRecord[]> {
    return run(() => this.#handovers.listUnended());
  }

  countByState(): Promise<Record<HandoverState, number>> {
    return run(() => this.#handovers.countByState());
  }

  transcript(handoverId: string): Promise<TranscriptEntry[]> {
    return run(() => this.#transcript.all(handoverId));
  }

  hasProviderMessage(handoverId: string, providerMessageId: string): Promise<boolean> {
    return run(() => this.#transcript.hasProviderMessage(handoverId, providerMessageId));
  }

  maxOutboundOrder(handoverId: string): Promise<number> {
    return run(() => this.#transcript.maxOutboundOrder(handoverId));
  }

  outboundByClientMessageId(handoverId: string, clientMessageId: string): Promise<TranscriptEntry[]> {
    return run(() => this.#transcript.byClientMessageId(handoverId, clientMessageId));
  }

  pendingOutbound(handoverId: string): Promise<TranscriptEntry[]> {
    return run(() => this.#transcript.pendingOutbound(handoverId));
  }

  events(handoverId: string, afterSeq: number, limit: number): Promise<HandoverEvent[]> {
    return run(() => {
      assertLimit(limit, 'limit');
      return this.#events.after(handoverId, afterSeq, limit);
    });
  }

  getEvent(eventId: string): Promise<HandoverEvent | undefined> {
    return run(() => this.#events.get(eventId));
  }

  dueDeliveries(now: string, limit: number): Promise<PendingDelivery[]> {
    return run(() => {
      assertLimit(limit, 'limit');
      return this.#outbox.due(now, limit);
    });
  }

  /** An outcome for an event no longer pending (delivered, dead) is ignored; an unknown event throws. */
  recordDelivery(eventId: string, outcome: DeliveryOutcome): Promise<void> {
    return run(() => {
      this.#write(() => {
        if (!this.#outbox.record(eventId, outcome) && !this.#outbox.exists(eventId)) {
          throw new Error(`no outbox entry for event ${eventId}`);
        }
      });
    });
  }

  deadLetters(limit: number): Promise<DeadLetter[]> {
    return run(() => {
      assertLimit(limit, 'limit');
      return this.#outbox.deadLetters(limit);
    });
  }

  replayDeadLetters(filter: { eventId?: string; handoverId?: string }, now: string): Promise<number> {
    return run(() => this.#write(() => this.#outbox.replay(filter, now)));
  }

  #write<T>(work: () => T): T {
    return this.#db.transaction(work).immediate();
  }

  /** Events (+ outbox rows), transcript lines and sent confirmations of a change, in its transaction. */
  #append(change: Omit<ChangeSet, 'expectedVersion'>): void {
    for (const event of change.events ?? []) {
      this.#events.insert(event);
      if (change.webhook) this.#outbox.enqueue(event);
    }
    for (const entry of change.transcript ?? []) this.#transcript.append(entry);
    for (const { entryId, providerMessageId } of change.sent ?? []) {
      if (!this.#transcript.markSent(change.handover.id, entryId, providerMessageId)) {
        throw new Error(`handover ${change.handover.id} has no outbound transcript line ${entryId}`);
      }
    }
  }

  #mustGet(id: string): HandoverRecord {
    const record = this.#handovers.get(id);
    if (!record) throw new Error(`handover ${id} vanished inside its own transaction`);
    return record;
  }
}

/** Runs synchronous work as a Promise: a throw becomes a rejection, never a synchronous exception. */
function run<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}

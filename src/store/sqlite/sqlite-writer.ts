// Every write of the SQLite store, as data: a write is an operation (create, commit, record a
// delivery, replay dead letters) that the writer connection applies. Written as data, not as
// closures, so the same writes run on the main thread (`:memory:`) or in the writer thread
// (writer-thread.ts), which owns the file's write connection.
import type Database from 'better-sqlite3';
import type {
  ChangeSet,
  DeliveryOutcome,
  HandoverRecord,
  NewHandover,
} from '../../core/ports/store/index.ts';
import { DuplicateProviderMessageError, VersionConflictError } from '../../core/ports/store/index.ts';
import { providerMessageIds, type CommitChange } from '../change-set.ts';
import { RefusedWrite } from '../group-commit.ts';
import { EventQueries } from './event-queries.ts';
import { HandoverQueries } from './handover-queries.ts';
import { OutboxQueries } from './outbox-queries.ts';
import { StatementCache } from './statements.ts';
import { TranscriptQueries } from './transcript-queries.ts';

export type SqliteWriteOp =
  | { readonly kind: 'create'; readonly change: NewHandover }
  | { readonly kind: 'commit'; readonly change: CommitChange }
  | { readonly kind: 'record'; readonly eventId: string; readonly outcome: DeliveryOutcome }
  | {
      readonly kind: 'replay';
      readonly filter: { readonly eventId?: string; readonly handoverId?: string };
      readonly now: string;
    };

/** What `create` answers. */
export interface CreateResult {
  readonly created: boolean;
  readonly record: HandoverRecord;
}

/** The SQL of every write, on one connection (the one that writes). */
export class SqliteWriter {
  readonly #handovers: HandoverQueries;
  readonly #events: EventQueries;
  readonly #transcript: TranscriptQueries;
  readonly #outbox: OutboxQueries;
  readonly #one: Database.Transaction<(op: SqliteWriteOp) => unknown>;
  readonly #batch: Database.Transaction<(ops: readonly SqliteWriteOp[]) => unknown[]>;

  constructor(db: Database.Database) {
    const sql = new StatementCache(db);
    this.#handovers = new HandoverQueries(sql);
    this.#events = new EventQueries(sql);
    this.#transcript = new TranscriptQueries(sql);
    this.#outbox = new OutboxQueries(sql);
    // Built once (better-sqlite3 wraps each transaction function anew).
    this.#one = db.transaction((op: SqliteWriteOp) => this.#apply(op));
    this.#batch = db.transaction((ops: readonly SqliteWriteOp[]) => ops.map((op) => this.#applyInBatch(op)));
  }

  /**
   * The writes in ONE IMMEDIATE transaction (one fsync under synchronous=FULL), or none of them:
   * a write that refuses before it writes (RefusedWrite) is answered with the refusal and the others
   * go on; should one write throw anything else, the transaction is rolled back whole and this
   * throws, and the group committer runs every write again in a transaction of its own, so the
   * failing write fails alone (group-commit.ts). No savepoint per write: a write almost never fails
   * half-way here, and a SAVEPOINT and a RELEASE per write cost ~15 µs of the writer's CPU each
   * (issue 12; bench/README.md, "Round eight").
   * IMMEDIATE takes the write lock up front, so two processes on one file serialise instead of
   * failing with SQLITE_BUSY half-way through.
   */
  batch(ops: readonly SqliteWriteOp[]): unknown[] {
    return this.#batch.immediate(ops);
  }

  /** One write in a transaction of its own (the fallback after a failed batch). */
  one(op: SqliteWriteOp): unknown {
    return this.#one.immediate(op);
  }

  #applyInBatch(op: SqliteWriteOp): unknown {
    try {
      return this.#apply(op);
    } catch (err) {
      if (err instanceof RefusedWrite) return err;
      throw err;
    }
  }

  #apply(op: SqliteWriteOp): unknown {
    switch (op.kind) {
      case 'create':
        return this.#create(op.change);
      case 'commit':
        return this.#commit(op.change);
      case 'record':
        // An outcome for an event no longer pending (delivered, dead) is ignored; an unknown event throws.
        if (!this.#outbox.record(op.eventId, op.outcome) && !this.#events.exists(op.eventId))
          throw new RefusedWrite(new Error(`no outbox entry for event ${op.eventId}`));
        return undefined;
      case 'replay':
        return this.#outbox.replay(op.filter, op.now);
    }
  }

  #create(change: NewHandover): CreateResult {
    const { handover } = change;
    // Under the write lock nobody can insert between this check and the INSERT; the partial unique
    // index still guards the rule for writers that skip the check.
    const existing = this.#handovers.findUnended(
      handover.endpointId,
      handover.customer.userId,
      handover.customer.sessionId,
    );
    if (existing) return { created: false, record: existing };
    this.#handovers.insert(change);
    this.#append(change);
    const record = this.#handovers.get(handover.id);
    if (!record) throw new Error(`handover ${handover.id} vanished inside its own transaction`);
    return { created: true, record };
  }

  #commit(change: CommitChange): undefined {
    // What refuses the change is checked before anything of it is written (RefusedWrite): a provider
    // message the handover holds already first — an Open Messaging call sent again, a catch-up's
    // overlap (§4.5: at least once) — then the version.
    const id = change.handover.id;
    for (const providerMessageId of providerMessageIds(change))
      if (this.#transcript.hasProviderMessage(id, providerMessageId))
        throw new RefusedWrite(new DuplicateProviderMessageError(id, providerMessageId));
    if (!this.#handovers.update(change)) {
      if (!this.#handovers.exists(id)) throw new RefusedWrite(new Error(`handover ${id} does not exist`));
      throw new RefusedWrite(new VersionConflictError(id));
    }
    this.#append(change);
    return undefined;
  }

  /** Events (+ outbox rows), transcript lines and outbound settlements of a change, in its transaction. */
  #append(
    change: Omit<NewHandover, 'handover'> & { readonly handover: { readonly id: string } } & Partial<
        Pick<ChangeSet, 'sent' | 'undelivered' | 'attempted'>
      >,
  ): void {
    const id = change.handover.id;
    for (const event of change.events ?? []) {
      this.#events.insert(event);
      if (change.webhook) this.#outbox.enqueue(event, change.traceParent);
    }
    for (const entry of change.transcript ?? []) this.#transcript.append(entry);
    for (const { entryId, providerMessageId } of change.sent ?? [])
      if (!this.#transcript.settle(id, entryId, { sent: providerMessageId }))
        throw new Error(`handover ${id} has no outbound transcript line ${entryId}`);
    for (const entryId of change.undelivered ?? [])
      if (!this.#transcript.settle(id, entryId, 'undelivered'))
        throw new Error(`handover ${id} has no outbound transcript line ${entryId}`);
    for (const { entryId, at } of change.attempted ?? []) this.#transcript.markAttempt(id, entryId, at);
  }
}

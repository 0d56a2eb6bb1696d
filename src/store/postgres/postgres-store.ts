// The Store port on PostgreSQL, for several gateway instances sharing one database. Same contract as
// the SQLite store (the shared suite in test/store runs against both); what differs is how
// concurrency is held: writes are group committed (group-commit.ts) — those submitted while the
// previous batch was in flight run as one transaction on one pooled connection; the partial unique
// index decides which of two racing starts wins; commit's UPDATE … WHERE version = expected is the
// optimistic check (row locks make a concurrent writer wait, then miss); and webhook deliveries are
// claimed per instance (outbox-queries.ts). Server errors leave the store sanitised (errors.ts).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type {
  ChangeSet,
  EventLog,
  HandoverRecord,
  HandoverRepository,
  NewHandover,
  ParkedEventRepository,
  RetentionRepository,
  Store,
  TranscriptRepository,
} from '../../core/ports/store/index.ts';
import {
  DuplicateProviderMessageError,
  LeaseLostError,
  VersionConflictError,
} from '../../core/ports/store/index.ts';
import { assertBelongs, assertNextVersion, providerMessageIds } from '../change-set.ts';
import {
  GroupCommitter,
  RefusedWrite,
  type BatchWriter,
  type GroupCommitOptions,
  type Write,
} from '../group-commit.ts';
import { toHandoverFilter } from '../handover-filter.ts';
import { assertLimit } from '../limits.ts';
import { decodeDeadLetterCursor, toDeadLetterPage, toPage } from '../page-cursor.ts';
import { DEFAULT_CLAIM_TTL_MS, createPool } from './connection.ts';
import { preparedSql } from './prepared-sql.ts';
import { DeferredRows, DeferredVerdict } from './deferred-rows.ts';
import type { PostgresOptions } from './connection.ts';
import { guarded } from './errors.ts';
import { EventQueries } from './event-queries.ts';
import { HandoverQueries } from './handover-queries.ts';
import { applyMigrations } from './migrate.ts';
import { postgresMigrations } from './migrations.ts';
import { OutboxQueries } from './outbox-queries.ts';
import { LeaseQueries } from './lease-queries.ts';
import { channelName, PgListener } from './pg-listener.ts';
import { PgNotifier, type LocalBus } from './pg-notifier.ts';
import { PgOwnerNotes } from './pg-owner-notes.ts';
import { PostgresInbox } from './postgres-inbox.ts';
import { PostgresLeases } from './postgres-leases.ts';
import { postgresRetention } from './retention-queries.ts';
import { postgresParkedEvents } from './parked-queries.ts';
import { inTransaction } from './transaction.ts';
import type { Sql } from './transaction.ts';
import { TranscriptQueries } from './transcript-queries.ts';

export interface PostgresStoreOptions extends PostgresOptions {
  /** Group commit tuning (tests, benchmarks); the defaults suit the gateway. */
  readonly groupCommit?: GroupCommitOptions;
}

/** How often a create retries when the handover it lost to ended before it could be read. */
const CREATE_ATTEMPTS = 3;

/** The query modules bound to one connection (a transaction) or to the pool (single statements). */
class Queries {
  readonly handovers: HandoverQueries;
  readonly events: EventQueries;
  readonly transcript: TranscriptQueries;
  readonly outbox: OutboxQueries;
  readonly leases: LeaseQueries;
  /** What a transaction's commits change and add (handovers, events, outbox rows, lines, settlements), written together before it commits. */
  readonly deferred: DeferredRows;
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
    this.leases = new LeaseQueries(sql);
    this.handovers = new HandoverQueries(sql);
    this.deferred = new DeferredRows(this.handovers);
    this.events = new EventQueries(sql);
    this.transcript = new TranscriptQueries(sql);
    this.outbox = new OutboxQueries(sql);
  }

  /** Writes the deferred rows: the last statements before the transaction commits. */
  flush(): Promise<void> {
    return this.deferred.flush(this.#sql);
  }
}

export class PostgresStore implements Store {
  readonly handovers: HandoverRepository;
  readonly transcript: TranscriptRepository;
  readonly events: EventLog;
  readonly retention: RetentionRepository;
  readonly parked: ParkedEventRepository;
  readonly #pool: pg.Pool;
  readonly #schema: string | undefined;
  readonly #q: Queries;
  /** This instance's name on outbox claims (options.instanceId, else random). */
  readonly #owner: string;
  readonly #claimTtlMs: number;
  readonly #committer: GroupCommitter<Write<Queries>>;
  readonly #options: PostgresStoreOptions;
  #listener: PgListener | undefined;
  #closing: Promise<void> | undefined;

  /** Builds the pool (no connection yet); call `migrate()` before anything else. */
  constructor(options: PostgresStoreOptions) {
    const ttl = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl < 1) throw new RangeError('claimTtlMs must be a positive integer');
    this.#claimTtlMs = ttl;
    this.#owner = options.instanceId ?? randomUUID();
    this.#schema = options.schema;
    this.#options = options;
    this.#pool = createPool(options);
    // Named prepared statements unless the deployment's pooler cannot keep them (connection.ts).
    const named = options.preparedStatements ?? true;
    const sqlOf = (sql: pg.Pool | pg.PoolClient): Sql => (named ? preparedSql(sql) : sql);
    this.#q = new Queries(sqlOf(this.#pool));
    this.retention = postgresRetention(this.#pool);
    this.parked = postgresParkedEvents(this.#pool);
    const q = this.#q;
    this.#committer = new GroupCommitter(batchWriter(this.#pool, sqlOf), options.groupCommit);
    const committer = this.#committer;
    const write = <T>(work: (tx: Queries) => Promise<T>): Promise<T> => committer.submit<T>(work);

    this.handovers = {
      create: (change) => this.#create(change, write),
      commit: async (change) => {
        assertBelongs(change);
        assertNextVersion(change);
        await guarded('commit', () =>
          write(async (tx) => {
            // An owner's commit (several instances): its lease first, share-locked until the commit.
            // What refuses the change is checked before anything of it is written (RefusedWrite:
            // the batch goes on without it): the lease, a provider message the handover holds
            // already (an Open Messaging call sent again — OM §4.5, at least once — or a catch-up's
            // overlap), the version.
            const { id } = change.handover;
            const { fence } = change;
            const ids = providerMessageIds(change);
            // One instance (no lease) and at most one provider id (nearly every change): the UPDATE
            // goes with the batch's one UPDATE of its handovers, and so do the rows (deferred-rows.ts).
            if (!fence && ids.length <= 1)
              return tx.deferred.change({
                change,
                held: ids[0],
                written: () => append(tx, change),
                refused: () => whyRefused(tx, id, ids),
              });
            if (fence && !(await tx.leases.holds(id, fence.owner, fence.token)))
              throw new RefusedWrite(new LeaseLostError(id));
            if (!(await tx.handovers.update(change, ids))) throw await whyRefused(tx, id, ids);
            append(tx, change);
            return undefined;
          }),
        );
      },
      get: (id) => guarded('getHandover', () => q.handovers.get(id)),
      list: async (query) => {
        const filter = toHandoverFilter(query);
        if (!filter) return { items: [] };
        return toPage(await guarded('listHandovers', () => q.handovers.list(filter)), query.limit);
      },
      listUnended: () => guarded('listUnended', () => q.handovers.listUnended()),
      countByState: () => guarded('countByState', () => q.handovers.countByState()),
    };

    this.transcript = {
      all: (handoverId) => guarded('transcript', () => q.transcript.all(handoverId)),
      speakerTimes: (handoverId) => guarded('speakerTimes', () => q.transcript.speakerTimes(handoverId)),
      hasProviderMessage: (handoverId, providerMessageId) =>
        guarded('hasProviderMessage', () => q.transcript.hasProviderMessage(handoverId, providerMessageId)),
      maxOutboundOrder: (handoverId) =>
        guarded('maxOutboundOrder', () => q.transcript.maxOutboundOrder(handoverId)),
      outboundByClientMessageId: (handoverId, clientMessageId) =>
        guarded('outboundByClientMessageId', () =>
          q.transcript.byClientMessageId(handoverId, clientMessageId),
        ),
      pendingOutbound: (handoverId) =>
        guarded('pendingOutbound', () => q.transcript.pendingOutbound(handoverId)),
    };

    this.events = {
      after: async (handoverId, afterSeq, limit) => {
        assertLimit(limit, 'limit');
        return guarded('events', () => q.events.after(handoverId, afterSeq, limit));
      },
      get: (eventId) => guarded('getEvent', () => q.events.get(eventId)),
      // With a claim: each returned event is held for this instance for `claimTtlMs` (see
      // outbox-queries.ts), so other instances polling the same outbox skip it.
      dueDeliveries: async (now, limit, exclude = new Set(), among) => {
        assertLimit(limit, 'limit');
        return guarded('dueDeliveries', () =>
          q.outbox.claimDue(now, limit, this.#owner, this.#claimTtlMs, exclude, among),
        );
      },
      // An outcome for an event no longer pending (delivered, dead) is ignored; an unknown event throws.
      recordDelivery: async (eventId, outcome) => {
        await guarded('recordDelivery', () =>
          write(async (tx) => {
            // A delivery (nearly every outcome) goes with the batch's one DELETE (deferred-rows.ts);
            // its verdict comes after that.
            if (outcome.kind === 'delivered') return tx.deferred.delivered(eventId);
            // `exists` only tells which error to report.
            if (!(await tx.outbox.record(eventId, outcome)) && !(await tx.events.exists(eventId)))
              throw new RefusedWrite(new Error(`no outbox entry for event ${eventId}`));
            return undefined;
          }),
        );
      },
      deadLetters: async (query) => {
        assertLimit(query.limit, 'limit');
        const after = query.cursor === undefined ? undefined : decodeDeadLetterCursor(query.cursor);
        const rows = await guarded('deadLetters', () =>
          q.outbox.deadLetters({
            limit: query.limit + 1,
            ...(query.endpoints ? { endpoints: query.endpoints } : {}),
            ...(after ? { after } : {}),
          }),
        );
        return toDeadLetterPage(rows, query.limit);
      },
      replayDeadLetters: (filter, now) =>
        guarded('replayDeadLetters', () => write((tx) => tx.outbox.replay(filter, now))),
      outboxStats: () => guarded('outboxStats', () => q.outbox.stats()),
    };
  }

  /** Connects and migrates: the usual way to get a ready store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  migrate(): Promise<void> {
    return guarded('migrate', async () => {
      await applyMigrations(this.#pool, postgresMigrations, this.#schema);
    });
  }

  /**
   * A gateway starting: webhook claims of this instance's previous life (same `instanceId`), or —
   * `all`, for a single-instance deployment — every claim, are released, so no delivery waits out
   * the claim time-out after a `kill -9` (issue 8). Returns how many rows were released.
   */
  releaseClaims(scope: 'own' | 'all'): Promise<number> {
    return guarded('releaseClaims', () => this.#q.outbox.releaseClaims(scope === 'all' ? '*' : this.#owner));
  }

  /**
   * What several instances on this database share besides the tables (issue 14): leases with
   * LISTEN/NOTIFY wake-ups, and an event notifier every instance hears. One dedicated connection
   * listens (pg-listener.ts); it is connected here and closed with the store.
   */
  async cluster(options: { instanceId: string; leaseMs: number; bus: LocalBus }): Promise<{
    leases: PostgresLeases;
    notifier: PgNotifier;
    /** Pushed events for another instance's handovers, and notes to an owner (typing, receipts). */
    inbox: PostgresInbox;
    notes: PgOwnerNotes;
    /** Whether the LISTEN connection is up. */
    listening: () => boolean;
  }> {
    const listener = (this.#listener ??= new PgListener(this.#options));
    const notifier = new PgNotifier(this.#pool, listener, channelName('events', this.#schema), options.bus);
    await notifier.start();
    const leases = new PostgresLeases(this.#pool, listener, channelName('leases', this.#schema), options);
    const inbox = new PostgresInbox(this.#pool, listener, channelName('inbox', this.#schema));
    await inbox.start();
    const notes = new PgOwnerNotes(this.#pool, listener, channelName('owners', this.#schema));
    await notes.start();
    await listener.start();
    return { leases, notifier, inbox, notes, listening: () => listener.connected };
  }

  /** A round trip to the server (readiness). */
  async ping(): Promise<void> {
    await guarded('ping', () => this.#pool.query('SELECT 1'));
  }

  /** Idempotent: waits for the pool to close its connections. */
  close(): Promise<void> {
    // Writes already submitted are committed first.
    this.#closing ??= this.#committer
      .idle()
      .then(() => this.#listener?.close())
      .then(() => this.#pool.end());
    return this.#closing;
  }

  async #create(
    change: NewHandover,
    write: <T>(work: (tx: Queries) => Promise<T>) => Promise<T>,
  ): Promise<{ created: boolean; record: HandoverRecord }> {
    assertBelongs(change);
    const { endpointId, customer, id } = change.handover;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await guarded('createHandover', () =>
        write(async (tx) => {
          // Fast path; also makes a start for a customer with an unended handover return it even
          // when the new handover would itself be ended (the SQLite store checks first, too).
          const existing = await tx.handovers.findUnended(endpointId, customer.userId, customer.sessionId);
          if (existing) return { created: false, record: existing };
          if (await tx.handovers.insertUnlessUnended(change)) {
            append(tx, change);
            const record = await tx.handovers.get(id);
            if (!record) throw new Error(`handover ${id} vanished inside its own transaction`);
            return { created: true, record };
          }
          // Lost the race: another transaction inserted and committed one meanwhile. Nothing was
          // written here, so committing this transaction writes nothing either; under READ
          // COMMITTED this next statement sees the winner.
          const winner = await tx.handovers.findUnended(endpointId, customer.userId, customer.sessionId);
          return winner ? { created: false, record: winner } : undefined;
        }),
      );
      if (outcome) return outcome;
      // The winner ended between the conflict and the read: start over, the slot is free again.
      if (attempt >= CREATE_ATTEMPTS) throw new Error(`createHandover of ${id} kept losing races`);
    }
  }
}

/**
 * A batch is one transaction with no savepoints (each would cost two more round trips per write):
 * should any write of it throw, the transaction rolls back as a whole and `writeBatch` throws, and
 * the committer runs every write again in a transaction of its own, so each gets its own verdict.
 * A version conflict (an UPDATE that matched nothing) throws too, so it takes that slower path: rare
 * while one instance owns its handovers.
 */
function batchWriter(pool: pg.Pool, sqlOf: (client: pg.PoolClient) => Sql): BatchWriter<Write<Queries>> {
  return {
    writeBatch: (writes) =>
      inTransaction(pool, async (client) => {
        const tx = new Queries(sqlOf(client));
        const values: unknown[] = [];
        for (const write of writes) {
          try {
            values.push(await write(tx));
          } catch (err) {
            // Refused before it wrote (group-commit.ts): the others go on.
            if (!(err instanceof RefusedWrite)) throw err;
            values.push(err);
          }
        }
        await tx.flush();
        return values.map((value) => (value instanceof DeferredVerdict ? value.refused : value));
      }),
    writeOne: (write) =>
      inTransaction(pool, async (client) => {
        const tx = new Queries(sqlOf(client));
        const value = await write(tx);
        await tx.flush();
        if (!(value instanceof DeferredVerdict)) return value;
        if (value.refused) throw value.refused;
        return undefined;
      }),
  };
}

/** Why a commit's UPDATE matched nothing. Only then asked: the happy path makes no extra round trip. */
async function whyRefused(tx: Queries, id: string, held: readonly string[]): Promise<RefusedWrite> {
  for (const providerMessageId of held)
    if (await tx.transcript.hasProviderMessage(id, providerMessageId))
      return new RefusedWrite(new DuplicateProviderMessageError(id, providerMessageId));
  if (!(await tx.handovers.exists(id))) return new RefusedWrite(new Error(`handover ${id} does not exist`));
  return new RefusedWrite(new VersionConflictError(id));
}

/**
 * Events (+ outbox rows), transcript lines and outbound settlements of a change, in its transaction:
 * written when the transaction is about to commit (deferred-rows.ts).
 */
function append(
  q: Queries,
  change: NewHandover & Partial<Pick<ChangeSet, 'sent' | 'undelivered' | 'attempted'>>,
): void {
  const id = change.handover.id;
  const rows = q.deferred;
  for (const event of change.events ?? []) {
    rows.event(event);
    if (change.webhook) rows.outbox(event, change.traceParent);
  }
  for (const entry of change.transcript ?? []) rows.line(entry);
  for (const { entryId, providerMessageId } of change.sent ?? [])
    rows.settle(id, entryId, { sent: providerMessageId });
  for (const entryId of change.undelivered ?? []) rows.settle(id, entryId, 'undelivered');
  for (const { entryId, at } of change.attempted ?? []) rows.attempt(id, entryId, at);
}

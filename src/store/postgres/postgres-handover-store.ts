// HandoverStore on PostgreSQL, for several gateway instances sharing one database. Same contract as
// the SQLite store (the shared suite in test/store runs against both); what differs is how
// concurrency is held: every write is one transaction on one pooled connection; the partial unique
// index decides which of two racing starts wins; commit's UPDATE … WHERE version = expected is the
// optimistic check (row locks make a concurrent writer wait, then miss); and webhook deliveries are
// claimed per instance (outbox-queries.ts). Server errors leave the store sanitised (errors.ts).
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
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
import { toHandoverFilter } from '../handover-filter.ts';
import { assertLimit } from '../limits.ts';
import { toPage } from '../page-cursor.ts';
import { DEFAULT_CLAIM_TTL_MS, createPool } from './connection.ts';
import type { PostgresOptions } from './connection.ts';
import { guarded } from './errors.ts';
import { EventQueries } from './event-queries.ts';
import { HandoverQueries } from './handover-queries.ts';
import { applyMigrations } from './migrate.ts';
import { postgresMigrations } from './migrations.ts';
import { OutboxQueries } from './outbox-queries.ts';
import { inTransaction } from './transaction.ts';
import type { Sql } from './transaction.ts';
import { TranscriptQueries } from './transcript-queries.ts';

export type PostgresHandoverStoreOptions = PostgresOptions;

/** How often a create retries when the handover it lost to ended before it could be read. */
const CREATE_ATTEMPTS = 3;

/** The query modules bound to one connection (a transaction) or to the pool (single statements). */
class Queries {
  readonly handovers: HandoverQueries;
  readonly events: EventQueries;
  readonly transcript: TranscriptQueries;
  readonly outbox: OutboxQueries;

  constructor(sql: Sql) {
    this.handovers = new HandoverQueries(sql);
    this.events = new EventQueries(sql);
    this.transcript = new TranscriptQueries(sql);
    this.outbox = new OutboxQueries(sql);
  }
}

export class PostgresHandoverStore implements HandoverStore {
  readonly #pool: pg.Pool;
  readonly #schema: string | undefined;
  readonly #q: Queries;
  /** This instance's name on outbox claims: random, so a restarted process never inherits claims. */
  readonly #owner = randomUUID();
  readonly #claimTtlMs: number;
  #closing: Promise<void> | undefined;

  /** Builds the pool (no connection yet); call `migrate()` before anything else. */
  constructor(options: PostgresHandoverStoreOptions) {
    const ttl = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
    if (!Number.isSafeInteger(ttl) || ttl < 1) throw new RangeError('claimTtlMs must be a positive integer');
    this.#claimTtlMs = ttl;
    this.#schema = options.schema;
    this.#pool = createPool(options);
    this.#q = new Queries(this.#pool);
  }

  /** Connects and migrates: the usual way to get a ready store. */
  static async open(options: PostgresHandoverStoreOptions): Promise<PostgresHandoverStore> {
    const store = new PostgresHandoverStore(options);
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

  /** Idempotent: waits for the pool to close its connections. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  async createHandover(
    change: Omit<ChangeSet, 'expectedVersion'>,
  ): Promise<{ created: boolean; record: HandoverRecord }> {
    assertBelongs(change);
    const { handover } = change;
    const { endpointId, customer } = handover;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await guarded('createHandover', () =>
        this.#write(async (q) => {
          // Fast path; also makes a start for a customer with an unended handover return it even
          // when the new handover would itself be ended (the SQLite store checks first, too).
          const existing = await q.handovers.findUnended(endpointId, customer.userId, customer.sessionId);
          if (existing) return { created: false, record: existing };
          if (await q.handovers.insertUnlessUnended(handover, change.providerRef)) {
            await this.#append(q, change);
            return { created: true, record: await mustGet(q, handover.id) };
          }
          // Lost the race: another transaction inserted and committed one meanwhile. Nothing was
          // written here, so committing this transaction writes nothing either; under READ
          // COMMITTED this next statement sees the winner.
          const winner = await q.handovers.findUnended(endpointId, customer.userId, customer.sessionId);
          return winner ? { created: false, record: winner } : undefined;
        }),
      );
      if (outcome) return outcome;
      // The winner ended between the conflict and the read: start over, the slot is free again.
      if (attempt >= CREATE_ATTEMPTS) throw new Error(`createHandover of ${handover.id} kept losing races`);
    }
  }

  async commit(change: ChangeSet): Promise<void> {
    assertBelongs(change);
    assertNextVersion(change);
    const { handover, expectedVersion } = change;
    await guarded('commit', () =>
      this.#write(async (q) => {
        if (!(await q.handovers.update(handover, expectedVersion, change.providerRef))) {
          if (!(await q.handovers.exists(handover.id)))
            throw new Error(`handover ${handover.id} does not exist`);
          throw new VersionConflictError(handover.id);
        }
        await this.#append(q, change);
      }),
    );
  }

  getHandover(id: string): Promise<HandoverRecord | undefined> {
    return guarded('getHandover', () => this.#q.handovers.get(id));
  }

  async listHandovers(query: ListQuery): Promise<Page<Handover>> {
    const filter = toHandoverFilter(query);
    if (!filter) return { items: [] };
    return toPage(await guarded('listHandovers', () => this.#q.handovers.list(filter)), query.limit);
  }

  listUnended(): Promise<HandoverRecord[]> {
    return guarded('listUnended', () => this.#q.handovers.listUnended());
  }

  countByState(): Promise<Record<HandoverState, number>> {
    return guarded('countByState', () => this.#q.handovers.countByState());
  }

  transcript(handoverId: string): Promise<TranscriptEntry[]> {
    return guarded('transcript', () => this.#q.transcript.all(handoverId));
  }

  hasProviderMessage(handoverId: string, providerMessageId: string): Promise<boolean> {
    return guarded('hasProviderMessage', () =>
      this.#q.transcript.hasProviderMessage(handoverId, providerMessageId),
    );
  }

  maxOutboundOrder(handoverId: string): Promise<number> {
    return guarded('maxOutboundOrder', () => this.#q.transcript.maxOutboundOrder(handoverId));
  }

  outboundByClientMessageId(handoverId: string, clientMessageId: string): Promise<TranscriptEntry[]> {
    return guarded('outboundByClientMessageId', () =>
      this.#q.transcript.byClientMessageId(handoverId, clientMessageId),
    );
  }

  pendingOutbound(handoverId: string): Promise<TranscriptEntry[]> {
    return guarded('pendingOutbound', () => this.#q.transcript.pendingOutbound(handoverId));
  }

  async events(handoverId: string, afterSeq: number, limit: number): Promise<HandoverEvent[]> {
    assertLimit(limit, 'limit');
    return guarded('events', () => this.#q.events.after(handoverId, afterSeq, limit));
  }

  getEvent(eventId: string): Promise<HandoverEvent | undefined> {
    return guarded('getEvent', () => this.#q.events.get(eventId));
  }

  /**
   * The port's dueDeliveries, with a claim: each returned event is held for this instance for
   * `claimTtlMs` (see outbox-queries.ts), so other instances polling the same outbox skip it.
   */
  async dueDeliveries(now: string, limit: number): Promise<PendingDelivery[]> {
    assertLimit(limit, 'limit');
    return guarded('dueDeliveries', () => this.#q.outbox.claimDue(now, limit, this.#owner, this.#claimTtlMs));
  }

  /** An outcome for an event no longer pending (delivered, dead) is ignored; an unknown event throws. */
  recordDelivery(eventId: string, outcome: DeliveryOutcome): Promise<void> {
    return guarded('recordDelivery', async () => {
      // One UPDATE: its own transaction. `exists` only tells which error to report.
      if (!(await this.#q.outbox.record(eventId, outcome)) && !(await this.#q.outbox.exists(eventId))) {
        throw new Error(`no outbox entry for event ${eventId}`);
      }
    });
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    assertLimit(limit, 'limit');
    return guarded('deadLetters', () => this.#q.outbox.deadLetters(limit));
  }

  replayDeadLetters(filter: { eventId?: string; handoverId?: string }, now: string): Promise<number> {
    return guarded('replayDeadLetters', () => this.#q.outbox.replay(filter, now));
  }

  #write<T>(work: (q: Queries) => Promise<T>): Promise<T> {
    return inTransaction(this.#pool, (client) => work(new Queries(client)));
  }

  /** Events (+ outbox rows), transcript lines and sent confirmations of a change, in its transaction. */
  async #append(q: Queries, change: Omit<ChangeSet, 'expectedVersion'>): Promise<void> {
    for (const event of change.events ?? []) {
      await q.events.insert(event);
      if (change.webhook) await q.outbox.enqueue(event);
    }
    for (const entry of change.transcript ?? []) await q.transcript.append(entry);
    for (const { entryId, providerMessageId } of change.sent ?? []) {
      if (!(await q.transcript.markSent(change.handover.id, entryId, providerMessageId))) {
        throw new Error(`handover ${change.handover.id} has no outbound transcript line ${entryId}`);
      }
    }
  }
}

async function mustGet(q: Queries, id: string): Promise<HandoverRecord> {
  const record = await q.handovers.get(id);
  if (!record) throw new Error(`handover ${id} vanished inside its own transaction`);
  return record;
}

// The Store port in memory: the same contract as SQLite and PostgreSQL (the suite in test/store runs
// against all three), for the core's fast unit tests, for demos that need no disk, and as the
// plainest statement of what the port promises. Nothing survives the process.
//
// Values are copied in and out (structuredClone), so a caller holding a returned object can never
// change what is stored — as with a database. A commit checks everything before it changes
// anything: all or nothing, like a transaction.
import type { HandoverEvent } from '../../core/model/events.ts';
import { HandoverStates, isTerminal, type Handover, type HandoverState } from '../../core/model/handover.ts';
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import type {
  ChangeSet,
  DeadLetter,
  DeliveryOutcome,
  EventLog,
  HandoverRecord,
  HandoverRepository,
  NewHandover,
  PendingDelivery,
  ProviderLink,
  ParkedEvent,
  ParkedEventRepository,
  RetentionRepository,
  Store,
  TranscriptRepository,
} from '../../core/ports/store/index.ts';
import { DuplicateProviderMessageError, VersionConflictError } from '../../core/ports/store/index.ts';
import { assertBelongs, assertNextVersion } from '../change-set.ts';
import { toHandoverFilter } from '../handover-filter.ts';
import { assertLimit, MAX_ERROR_LENGTH } from '../limits.ts';
import { decodeDeadLetterCursor, toDeadLetterPage, toPage } from '../page-cursor.ts';
import { canonicalInstant } from '../timestamps.ts';

interface Row {
  handover: Handover;
  provider?: ProviderLink;
}

interface OutboxRow {
  readonly eventId: string;
  readonly handoverId: string;
  readonly seq: number;
  status: 'pending' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  firstAttemptAt?: string;
  lastError?: string;
  deadAt?: string;
  readonly traceParent?: string;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements Store {
  readonly handovers: HandoverRepository;
  readonly transcript: TranscriptRepository;
  readonly events: EventLog;
  readonly retention: RetentionRepository;
  readonly parked: ParkedEventRepository;
  readonly #rows = new Map<string, Row>();
  /** Transcript lines per handover, in insertion order (the tie-break of equal times). */
  readonly #lines = new Map<string, TranscriptEntry[]>();
  readonly #events = new Map<string, HandoverEvent>();
  readonly #eventsByHandover = new Map<string, HandoverEvent[]>();
  readonly #outbox = new Map<string, OutboxRow>();
  /** Parked provider events by `handoverId eventKey`, in parking order. */
  readonly #parked = new Map<string, ParkedEvent>();
  #closed = false;

  constructor() {
    this.retention = {
      purgeEnded: (endedBefore, limit) => this.#run(() => this.#purgeEnded(endedBefore, limit)),
    };
    this.parked = {
      park: (event) =>
        this.#run(() => {
          const key = JSON.stringify([event.handoverId, event.eventKey]);
          if (!this.#parked.has(key)) this.#parked.set(key, { ...event });
        }),
      list: (limit) =>
        this.#run(() => {
          assertLimit(limit, 'limit');
          return copy(
            [...this.#parked.values()].sort((a, b) => compareInstant(b.parkedAt, a.parkedAt)).slice(0, limit),
          );
        }),
    };
    this.handovers = {
      create: (change) => this.#run(() => this.#create(change)),
      commit: (change) => this.#run(() => this.#commit(change)),
      get: (id) => this.#run(() => this.#record(id)),
      list: (query) =>
        this.#run(() => {
          const filter = toHandoverFilter(query);
          if (!filter) return { items: [] };
          const rows = [...this.#rows.values()]
            .map((r) => r.handover)
            .filter((h) => !filter.endpointIds || filter.endpointIds.includes(h.endpointId))
            .filter((h) => !filter.state || h.state === filter.state)
            .filter((h) => !filter.after || compareKey(h, filter.after) < 0)
            .sort((a, b) => compareKey(b, a))
            .slice(0, filter.limit);
          return toPage(copy(rows), query.limit);
        }),
      listUnended: () =>
        this.#run(() =>
          [...this.#rows.values()]
            .filter((r) => !isTerminal(r.handover.state))
            .sort((a, b) => compareKey(a.handover, b.handover))
            .map((r) => this.#toRecord(r)),
        ),
      countByState: () =>
        this.#run(() => {
          const counts = Object.fromEntries(HandoverStates.map((s) => [s, 0])) as Record<
            HandoverState,
            number
          >;
          for (const r of this.#rows.values()) counts[r.handover.state] += 1;
          return counts;
        }),
    };

    this.transcript = {
      all: (handoverId) =>
        this.#run(() => {
          const lines = this.#lines.get(handoverId) ?? [];
          // Stable sort: lines with the same time keep the order they were written in.
          return copy([...lines].sort((a, b) => compareInstant(a.at, b.at)));
        }),
      speakerTimes: (handoverId) =>
        this.#run(() =>
          this.#linesOf(handoverId).flatMap((l) =>
            l.role === 'customer' || l.role === 'agent' ? [{ role: l.role, at: l.at }] : [],
          ),
        ),
      hasProviderMessage: (handoverId, providerMessageId) =>
        this.#run(() => this.#linesOf(handoverId).some((l) => l.providerMessageId === providerMessageId)),
      outboundByClientMessageId: (handoverId, clientMessageId) =>
        this.#run(() =>
          copy(
            this.#linesOf(handoverId)
              .filter((l) => l.outbound && l.clientMessageId === clientMessageId)
              .sort(byOrder),
          ),
        ),
      maxOutboundOrder: (handoverId) =>
        this.#run(() => Math.max(0, ...this.#linesOf(handoverId).map((l) => l.outbound?.order ?? 0))),
      pendingOutbound: (handoverId) =>
        this.#run(() =>
          copy(
            this.#linesOf(handoverId)
              .filter((l) => l.outbound?.status === 'pending')
              .sort(byOrder),
          ),
        ),
    };

    this.events = {
      after: (handoverId, afterSeq, limit) =>
        this.#run(() => {
          assertLimit(limit, 'limit');
          const events = this.#eventsByHandover.get(handoverId) ?? [];
          return copy(events.filter((e) => e.seq > afterSeq).slice(0, limit));
        }),
      get: (eventId) => this.#run(() => copy(this.#events.get(eventId))),
      dueDeliveries: (now, limit, exclude = new Set(), among) =>
        this.#run(() => {
          assertLimit(limit, 'limit');
          return this.#due(canonicalInstant(now, 'now'), limit, exclude, among);
        }),
      recordDelivery: (eventId, outcome) => this.#run(() => this.#recordOutcome(eventId, outcome)),
      deadLetters: (query) =>
        this.#run(() => {
          assertLimit(query.limit, 'limit');
          const after = query.cursor === undefined ? undefined : decodeDeadLetterCursor(query.cursor);
          const order = (
            a: { deadAt: string; handoverId: string; seq: number },
            b: { deadAt: string; handoverId: string; seq: number },
          ): number =>
            compareInstant(a.deadAt, b.deadAt) ||
            (a.handoverId < b.handoverId ? -1 : a.handoverId > b.handoverId ? 1 : 0) ||
            a.seq - b.seq;
          const key = (o: OutboxRow): { deadAt: string; handoverId: string; seq: number } => ({
            deadAt: o.deadAt ?? '',
            handoverId: o.handoverId,
            seq: o.seq,
          });
          const rows = [...this.#outbox.values()]
            .filter(
              (o) =>
                o.status === 'dead' &&
                (query.endpoints === undefined || query.endpoints.includes(this.#eventOf(o).endpointId)) &&
                (after === undefined || order(key(o), after) > 0),
            )
            .sort((a, b) => order(key(a), key(b)))
            .slice(0, query.limit + 1)
            .map((o): DeadLetter => ({
              event: this.#eventOf(o),
              attempts: o.attempts,
              lastError: o.lastError ?? '',
              deadAt: o.deadAt ?? '',
            }));
          return toDeadLetterPage(rows, query.limit);
        }),
      replayDeadLetters: (filter, now) =>
        this.#run(() => {
          const at = canonicalInstant(now, 'now');
          let n = 0;
          for (const o of this.#outbox.values()) {
            if (o.status !== 'dead') continue;
            if (filter.eventId !== undefined && o.eventId !== filter.eventId) continue;
            if (filter.handoverId !== undefined && o.handoverId !== filter.handoverId) continue;
            o.status = 'pending';
            o.attempts = 0;
            o.nextAttemptAt = at;
            delete o.firstAttemptAt;
            delete o.lastError;
            delete o.deadAt;
            n += 1;
          }
          return n;
        }),
      outboxStats: () =>
        this.#run(() => {
          let pending = 0;
          let dead = 0;
          let oldest: string | undefined;
          for (const o of this.#outbox.values()) {
            if (o.status === 'dead') {
              dead += 1;
              continue;
            }
            pending += 1;
            const occurredAt = this.#eventOf(o).occurredAt;
            if (oldest === undefined || compareInstant(occurredAt, oldest) < 0) oldest = occurredAt;
          }
          return { pending, dead, ...(oldest === undefined ? {} : { oldestPendingAt: oldest }) };
        }),
    };
  }

  migrate(): Promise<void> {
    return this.#run(() => undefined);
  }

  #purgeEnded(endedBefore: string, limit: number): number {
    assertLimit(limit, 'limit');
    const before = canonicalInstant(endedBefore, 'endedBefore');
    const endedAt = (h: Handover): string => h.endedAt ?? h.updatedAt;
    const ids = [...this.#rows.values()]
      .map((r) => r.handover)
      .filter((h) => isTerminal(h.state) && compareInstant(endedAt(h), before) < 0)
      .sort((a, b) => compareInstant(endedAt(a), endedAt(b)) || a.id.localeCompare(b.id))
      .slice(0, limit)
      .map((h) => h.id);
    for (const id of ids) {
      for (const e of this.#eventsByHandover.get(id) ?? []) {
        this.#events.delete(e.id);
        this.#outbox.delete(e.id);
      }
      this.#eventsByHandover.delete(id);
      this.#lines.delete(id);
      this.#rows.delete(id);
      for (const [key, p] of this.#parked) if (p.handoverId === id) this.#parked.delete(key);
    }
    return ids.length;
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Like the SQL adapters: a throw becomes a rejection; a closed store refuses work. */
  #run<T>(work: () => T): Promise<T> {
    return new Promise((resolve) => {
      if (this.#closed) throw new Error('the store is closed');
      resolve(work());
    });
  }

  #record(id: string): HandoverRecord | undefined {
    const row = this.#rows.get(id);
    return row ? this.#toRecord(row) : undefined;
  }

  #toRecord(row: Row): HandoverRecord {
    return copy(
      row.provider ? { handover: row.handover, provider: row.provider } : { handover: row.handover },
    );
  }

  #linesOf(handoverId: string): TranscriptEntry[] {
    return this.#lines.get(handoverId) ?? [];
  }

  #create(change: NewHandover): { created: boolean; record: HandoverRecord } {
    assertBelongs(change);
    const { handover } = change;
    const existing = [...this.#rows.values()].find(
      (r) =>
        !isTerminal(r.handover.state) &&
        r.handover.endpointId === handover.endpointId &&
        r.handover.customer.userId === handover.customer.userId &&
        r.handover.customer.sessionId === handover.customer.sessionId,
    );
    if (existing) return { created: false, record: this.#toRecord(existing) };
    if (this.#rows.has(handover.id)) throw new Error(`handover ${handover.id} exists already`);
    const ref = change.provider?.ref;
    const cursor = change.provider?.cursor;
    const row: Row = {
      handover: copy(handover),
      ...(ref ? { provider: cursor === undefined ? { ref: copy(ref) } : { ref: copy(ref), cursor } } : {}),
    };
    this.#check(change, []);
    this.#checkProviderIds(change);
    this.#rows.set(handover.id, row);
    this.#apply(change);
    return { created: true, record: this.#toRecord(row) };
  }

  #commit(change: ChangeSet): void {
    assertBelongs(change);
    assertNextVersion(change);
    const row = this.#rows.get(change.handover.id);
    if (!row) throw new Error(`handover ${change.handover.id} does not exist`);
    if (row.handover.version !== change.expectedVersion) throw new VersionConflictError(change.handover.id);
    this.#check(change, [...(change.sent ?? []).map((s) => s.entryId), ...(change.undelivered ?? [])]);
    this.#checkProviderIds(change);
    // Everything is checked: from here on nothing throws.
    row.handover = keepFixed(row.handover, copy(change.handover));
    const ref = change.provider?.ref ?? row.provider?.ref;
    const cursor = change.provider?.cursor ?? row.provider?.cursor;
    if (ref) row.provider = cursor === undefined ? { ref: copy(ref) } : { ref: copy(ref), cursor };
    this.#apply(change);
  }

  /**
   * The unique index on (handover, provider message id): a new line, or a pending line confirmed
   * sent, may not carry an id the handover holds already (a late confirmation of a settled line
   * changes nothing, so its id is not checked).
   */
  #checkProviderIds(change: NewHandover & Partial<Pick<ChangeSet, 'sent'>>): void {
    const id = change.handover.id;
    const lines = this.#linesOf(id);
    const held = new Set(
      lines.flatMap((l) => (l.providerMessageId === undefined ? [] : [l.providerMessageId])),
    );
    const claim = (providerMessageId: string): void => {
      if (held.has(providerMessageId)) throw new DuplicateProviderMessageError(id, providerMessageId);
      held.add(providerMessageId);
    };
    for (const l of change.transcript ?? [])
      if (l.providerMessageId !== undefined) claim(l.providerMessageId);
    const fresh = new Map((change.transcript ?? []).map((l) => [l.id, l]));
    const settled = new Set<string>();
    for (const { entryId, providerMessageId } of change.sent ?? []) {
      const line = lines.find((l) => l.id === entryId) ?? fresh.get(entryId);
      if (line?.outbound?.status !== 'pending' || settled.has(entryId)) continue; // settled: unchanged
      settled.add(entryId);
      claim(providerMessageId);
    }
  }

  /** The checks a database makes (unique keys, known lines) before the change touches anything. */
  #check(change: NewHandover, settled: readonly string[]): void {
    const id = change.handover.id;
    const seqs = new Set((this.#eventsByHandover.get(id) ?? []).map((e) => e.seq));
    for (const e of change.events ?? []) {
      if (this.#events.has(e.id) || seqs.has(e.seq))
        throw new Error(`event ${e.id} or seq ${e.seq} exists already`);
      seqs.add(e.seq);
    }
    const lineIds = new Set(this.#linesOf(id).map((l) => l.id));
    const orders = new Set(this.#linesOf(id).flatMap((l) => (l.outbound ? [l.outbound.order] : [])));
    const outbound = new Set(this.#linesOf(id).flatMap((l) => (l.outbound ? [l.id] : [])));
    for (const l of change.transcript ?? []) {
      if (lineIds.has(l.id)) throw new Error(`transcript line ${l.id} exists already`);
      if (l.outbound) {
        if (orders.has(l.outbound.order)) throw new Error(`outbound order ${l.outbound.order} is taken`);
        orders.add(l.outbound.order);
        outbound.add(l.id);
      }
      lineIds.add(l.id);
    }
    for (const entryId of settled)
      if (!outbound.has(entryId))
        throw new Error(`handover ${id} has no outbound transcript line ${entryId}`);
  }

  #apply(change: NewHandover & Partial<Pick<ChangeSet, 'sent' | 'undelivered' | 'attempted'>>): void {
    const id = change.handover.id;
    const events = this.#eventsByHandover.get(id) ?? [];
    for (const e of change.events ?? []) {
      const stored = copy(e);
      this.#events.set(e.id, stored);
      events.push(stored);
      if (change.webhook)
        this.#outbox.set(e.id, {
          eventId: e.id,
          handoverId: id,
          seq: e.seq,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: canonicalInstant(e.occurredAt, 'event.occurredAt'),
          ...(change.traceParent === undefined ? {} : { traceParent: change.traceParent }),
        });
    }
    events.sort((a, b) => a.seq - b.seq);
    this.#eventsByHandover.set(id, events);
    const lines = this.#lines.get(id) ?? [];
    for (const l of change.transcript ?? []) lines.push(copy(l));
    this.#lines.set(id, lines);
    for (const { entryId, providerMessageId } of change.sent ?? [])
      this.#settle(lines, entryId, providerMessageId);
    for (const entryId of change.undelivered ?? []) this.#settle(lines, entryId, undefined);
    for (const { entryId, at } of change.attempted ?? []) {
      const index = lines.findIndex((l) => l.id === entryId);
      const line = lines[index];
      if (line?.outbound?.status === 'pending')
        lines[index] = { ...line, outbound: { ...line.outbound, attemptedAt: at } };
    }
  }

  /** Only a pending line changes: a late confirmation or give-up leaves a settled line as it is. */
  #settle(lines: TranscriptEntry[], entryId: string, providerMessageId: string | undefined): void {
    const index = lines.findIndex((l) => l.id === entryId);
    const line = lines[index];
    if (!line?.outbound || line.outbound.status !== 'pending') return;
    lines[index] = {
      ...line,
      ...(providerMessageId === undefined ? {} : { providerMessageId }),
      outbound: { ...line.outbound, status: providerMessageId === undefined ? 'undelivered' : 'sent' },
    };
  }

  #due(
    now: string,
    limit: number,
    exclude: ReadonlySet<string>,
    among: ReadonlySet<string> | undefined,
  ): PendingDelivery[] {
    const heads = new Map<string, OutboxRow>();
    for (const o of this.#outbox.values()) {
      if (o.status !== 'pending' || (among !== undefined && !among.has(o.handoverId))) continue;
      const head = heads.get(o.handoverId);
      if (!head || o.seq < head.seq) heads.set(o.handoverId, o);
    }
    return [...heads.values()]
      .filter((o) => compareInstant(o.nextAttemptAt, now) <= 0 && !exclude.has(o.handoverId))
      .sort(
        (a, b) =>
          compareInstant(a.nextAttemptAt, b.nextAttemptAt) || a.handoverId.localeCompare(b.handoverId),
      )
      .slice(0, limit)
      .map((o) => ({
        event: this.#eventOf(o),
        attempts: o.attempts,
        nextAttemptAt: o.nextAttemptAt,
        ...(o.firstAttemptAt === undefined ? {} : { firstAttemptAt: o.firstAttemptAt }),
        ...(o.traceParent === undefined ? {} : { traceParent: o.traceParent }),
      }));
  }

  /** An outcome applies to a pending row only; an unknown event throws. */
  #recordOutcome(eventId: string, outcome: DeliveryOutcome): void {
    const o = this.#outbox.get(eventId);
    if (!o) {
      // Delivered rows leave the outbox, as in the SQL stores: a late outcome for one is ignored.
      if (this.#events.has(eventId)) return;
      throw new Error(`no outbox entry for event ${eventId}`);
    }
    if (o.status !== 'pending') return;
    const at = canonicalInstant(outcome.at, 'outcome.at');
    o.attempts += 1;
    o.firstAttemptAt ??= at;
    if (outcome.kind === 'delivered') this.#outbox.delete(eventId);
    else if (outcome.kind === 'retry') {
      o.nextAttemptAt = canonicalInstant(outcome.nextAttemptAt, 'outcome.nextAttemptAt');
      o.lastError = outcome.error.slice(0, MAX_ERROR_LENGTH);
    } else {
      o.status = 'dead';
      o.deadAt = at;
      o.lastError = outcome.error.slice(0, MAX_ERROR_LENGTH);
    }
  }

  #eventOf(o: OutboxRow): HandoverEvent {
    const event = this.#events.get(o.eventId);
    if (!event) throw new Error(`outbox row ${o.eventId} has no event`);
    return copy(event);
  }
}

/** Canonical ISO instants (the stores' form) order as text, as in SQL's ORDER BY. */
const compareInstant = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const compareKey = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const byOrder = (a: TranscriptEntry, b: TranscriptEntry): number =>
  (a.outbound?.order ?? 0) - (b.outbound?.order ?? 0);

/** `next`, with what is fixed at creation as `stored` has it (ChangeSet: the SQL stores do not write it). */
function keepFixed(stored: Handover, next: Handover): Handover {
  const { startedBy: _next, ...rest } = next;
  return {
    ...rest,
    id: stored.id,
    endpointId: stored.endpointId,
    customer: stored.customer,
    settings: stored.settings,
    createdAt: stored.createdAt,
    ...(stored.startedBy === undefined ? {} : { startedBy: stored.startedBy }),
  };
}

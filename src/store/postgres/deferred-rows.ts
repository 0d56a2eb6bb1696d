// What a transaction's writes add — events, their outbox rows, transcript lines, the settlements and
// send attempts of outbound lines — and the outbox rows of delivered events (which leave it):
// collected while its writes run and written just before it commits, one multi-row statement per
// kind. Written one by one, an agent message was five statements (four in its commit, one when its
// webhook answered), each a round trip to the server in turn (node-postgres sends no pipeline), and
// a group-committed batch of a hundred writes several hundred; the server's work per statement, not
// the rows, was the limit of the relay on PostgreSQL (issue 12, bench/README.md round nineteen). The
// commits' handover UPDATEs wait for the flush too, as one statement: a batch is now seven statements
// when nothing in it is refused, whatever its size (a commit of several instances, fenced by its
// lease, still updates its handover at once, after the lease check: postgres-store.ts).
//
// Nothing in the transaction reads these rows before the flush; the flush writes them in the order a
// change lists them (events, outbox rows, lines, settlements, attempts), so a settlement finds a line
// appended by the same change. The engine keeps one commit of a handover in flight; a second one in
// the same batch (the store takes it) goes in a later UPDATE, and its rows follow the first's. A row
// the database refuses (a duplicate key) fails the flush and so the batch: the group committer then
// runs every write alone (group-commit.ts), and the write that holds the row gets the error. A commit
// whose UPDATE matched nothing (a stale version, a provider message its handover holds) adds no row,
// and an outcome for an unknown event changes nothing: such a write alone is refused
// (DeferredVerdict), the batch commits.
import pg from 'pg';
import { z } from 'zod';
import type { HandoverEvent } from '../../core/model/events.ts';
import type { TranscriptEntry } from '../../core/model/transcript.ts';
import { DuplicateProviderMessageError } from '../../core/ports/store/index.ts';
import { RefusedWrite } from '../group-commit.ts';
import { parseRow } from '../parse-row.ts';
import { EVENT_COLUMN_LIST, EVENT_COLUMNS, eventValues } from '../sql/event-row.ts';
import { transcriptParams } from '../sql/transcript-row.ts';
import { canonicalInstant } from '../timestamps.ts';
import type { HandoverQueries, UpdateUnlessHeld } from './handover-queries.ts';
import type { Sql } from './transaction.ts';
import { byColumn, unnestOf } from './unnest.ts';

const EVENTS_SQL = `INSERT INTO events (${EVENT_COLUMNS})
SELECT ${EVENT_COLUMN_LIST.map((c) => (c === 'data' ? 'r.data::jsonb' : `r.${c}`)).join(', ')}
FROM ${unnestOf(EVENT_COLUMN_LIST, { seq: 'int' })} AS r(${EVENT_COLUMNS})`;

const OUTBOX_COLUMNS = ['event_id', 'handover_id', 'seq', 'next_attempt_at', 'trace_parent'] as const;

const OUTBOX_SQL = `INSERT INTO outbox (${OUTBOX_COLUMNS.join(', ')}, status, attempts)
SELECT ${OUTBOX_COLUMNS.map((c) => `r.${c}`).join(', ')}, 'pending', 0
FROM ${unnestOf(OUTBOX_COLUMNS, { seq: 'int' })} AS r(${OUTBOX_COLUMNS.join(', ')})`;

/** The transcript columns an append writes (all but `position`, which the INSERT numbers). */
const LINE_COLUMNS = [
  'id',
  'handover_id',
  'role',
  'text',
  'at',
  'sender_name',
  'provider_message_id',
  'outbound_status',
  'outbound_order',
  'outbound_kind',
  'outbound_attempted_at',
  'client_message_id',
  'attachments',
  'trace_parent',
] as const;

// `position` orders a handover's lines (ties of `at`): the next after the handover's last, then in
// the order the lines were appended (a scalar subquery does not see rows of its own statement, so
// row_number numbers the batch's lines of one handover). Race-free: every transaction that appends a
// handover's lines first locked its row (the UPDATE of a commit) or created it. A line whose provider
// message the handover holds already is not inserted (the partial unique index): the flush reports
// it as DuplicateProviderMessageError.
const LINES_SQL = `INSERT INTO transcript (${LINE_COLUMNS.join(', ')}, position)
SELECT ${LINE_COLUMNS.map((c) => `r.${c}`).join(', ')},
  COALESCE((SELECT MAX(t.position) FROM transcript t WHERE t.handover_id = r.handover_id), 0)
    + row_number() OVER (PARTITION BY r.handover_id ORDER BY r.ord)
FROM ${unnestOf(LINE_COLUMNS, { outbound_order: 'int' })} WITH ORDINALITY AS r(${LINE_COLUMNS.join(', ')}, ord)
ON CONFLICT (handover_id, provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
RETURNING id`;

// A pending outbound line becomes `sent` (with the provider's id) or `undelivered`; a line settled
// already keeps what it has. A provider id another line of the handover carries (an echo of an
// earlier message taken for this one) is not set: the flush reports it (DuplicateProviderMessageError).
// That check is a LATERAL probe, one index look-up a row, never a hashed read of the whole
// transcript (handover-queries.ts UPDATE_ALL_SQL says why).
const SETTLE_SQL = `UPDATE transcript t
SET outbound_status = r.status, provider_message_id = COALESCE(r.provider_message_id, t.provider_message_id)
FROM ${unnestOf(['id', 'handover_id', 'status', 'provider_message_id'])} AS r(id, handover_id, status, provider_message_id)
LEFT JOIN LATERAL (SELECT 1 AS found FROM transcript d
  WHERE d.handover_id = r.handover_id AND d.provider_message_id = r.provider_message_id LIMIT 1) held ON true
WHERE t.id = r.id AND t.handover_id = r.handover_id AND t.outbound_status = 'pending' AND held.found IS NULL
RETURNING t.id`;

/** Why a settlement changed nothing: the line as it is (none: the handover has no such line). */
const SETTLED_SQL = `SELECT t.id, t.outbound_status
FROM ${unnestOf(['id', 'handover_id'])} AS r(id, handover_id)
JOIN transcript t ON t.id = r.id AND t.handover_id = r.handover_id`;

/** A send of a pending line starts (only a pending line changes). */
const ATTEMPT_SQL = `UPDATE transcript t SET outbound_attempted_at = r.at
FROM ${unnestOf(['id', 'handover_id', 'at'])} AS r(id, handover_id, at)
WHERE t.id = r.id AND t.handover_id = r.handover_id AND t.outbound_status = 'pending'`;

// A delivered event's outbox row leaves the outbox (a row no longer pending — delivered, dead, or
// replayed meanwhile — is left as it is, as outbox-queries.ts `record` does).
const DELIVERED_SQL = `DELETE FROM outbox WHERE event_id = ANY($1::text[]) AND status = 'pending' RETURNING event_id`;

/** Which of the events exist: an outcome for an unknown event is refused. */
const KNOWN_EVENTS_SQL = 'SELECT id FROM events WHERE id = ANY($1::text[])';

const idRow = z.object({ id: z.string() });
const eventIdRow = z.object({ event_id: z.string() });
const settledRow = z.object({ id: z.string(), outbound_status: z.string().nullable() });

/**
 * The verdict of a write whose answer waits for the flush (a delivery outcome: refused when its event
 * is unknown). The batch writer puts it in the write's place once the flush ran (postgres-store.ts).
 */
export class DeferredVerdict {
  refused: RefusedWrite | undefined;
}

/** A commit whose handover UPDATE waits for the flush (postgres-store.ts). */
export interface DeferredChange extends UpdateUnlessHeld {
  /** Adds the change's rows once its UPDATE matched. */
  readonly written: () => void;
  /** Why its UPDATE matched nothing (asked only then). */
  readonly refused: () => Promise<RefusedWrite>;
}

interface Settlement {
  readonly handoverId: string;
  readonly entryId: string;
  readonly outcome: { readonly sent: string } | 'undelivered';
}

export class DeferredRows {
  readonly #handovers: HandoverQueries;
  /**
   * The commits, in rounds of one UPDATE each: a round holds one change per handover (a row of an
   * UPDATE … FROM unnest is updated once, whatever the rows joined to it). A second commit of a
   * handover in the same batch — the store takes it, though the engine keeps one in flight — goes in
   * the next round, so it meets the first one's version, as when the UPDATEs ran one by one.
   */
  #rounds: Map<string, { readonly change: DeferredChange; readonly verdict: DeferredVerdict }>[] = [];
  /** A row per append, its values in the statement's column order (computed now: a bad value throws in its write). */
  #events: unknown[][] = [];
  #outbox: unknown[][] = [];
  #lines: unknown[][] = [];
  #entries: TranscriptEntry[] = [];
  #settlements: Settlement[] = [];
  #attempts: unknown[][] = [];
  #delivered: { readonly eventId: string; readonly verdict: DeferredVerdict }[] = [];

  /** The handovers' UPDATEs and the changes' rows are those of `handovers`' connection (the transaction's). */
  constructor(handovers: HandoverQueries) {
    this.#handovers = handovers;
  }

  /** A commit: its handover is updated by the flush, and only then its rows added; refused when it matched nothing. */
  change(change: DeferredChange): DeferredVerdict {
    const verdict = new DeferredVerdict();
    const id = change.change.handover.id;
    let round = this.#rounds.find((r) => !r.has(id));
    if (round === undefined) {
      round = new Map();
      this.#rounds.push(round);
    }
    round.set(id, { change, verdict });
    return verdict;
  }

  event(event: HandoverEvent): void {
    const values = eventValues(event);
    this.#events.push(EVENT_COLUMN_LIST.map((c) => values[c]));
  }

  /** The event's outbox row: due now (its occurrence), no attempt yet. */
  outbox(event: HandoverEvent, traceParent: string | undefined): void {
    this.#outbox.push([
      event.id,
      event.handoverId,
      event.seq,
      canonicalInstant(event.occurredAt, 'event.occurredAt'),
      traceParent ?? null,
    ]);
  }

  line(entry: TranscriptEntry): void {
    const params = transcriptParams(entry);
    this.#lines.push(LINE_COLUMNS.map((c) => params[c]));
    this.#entries.push(entry);
  }

  /** Settles a pending outbound line; the flush throws when the handover has no outbound line of that id. */
  settle(handoverId: string, entryId: string, outcome: { sent: string } | 'undelivered'): void {
    this.#settlements.push({ handoverId, entryId, outcome });
  }

  attempt(handoverId: string, entryId: string, at: string): void {
    this.#attempts.push([entryId, handoverId, at]);
  }

  /** The event reached its webhook: its outbox row goes. The verdict is refused, after the flush, for an unknown event. */
  delivered(eventId: string): DeferredVerdict {
    const verdict = new DeferredVerdict();
    this.#delivered.push({ eventId, verdict });
    return verdict;
  }

  /** Writes what was collected, in the order above (the handovers first), and forgets it. */
  async flush(sql: Sql): Promise<void> {
    const rounds = this.#rounds;
    this.#rounds = [];
    for (const round of rounds) {
      const changes = [...round.values()];
      const written = await this.#handovers.updateAll(changes.map((c) => c.change));
      for (const { change, verdict } of changes)
        if (written.has(change.change.handover.id)) change.written();
        else verdict.refused = await change.refused();
    }
    const [events, outbox, lines, entries] = [this.#events, this.#outbox, this.#lines, this.#entries];
    const [settlements, attempts, delivered] = [this.#settlements, this.#attempts, this.#delivered];
    this.#events = [];
    this.#outbox = [];
    this.#lines = [];
    this.#entries = [];
    this.#settlements = [];
    this.#attempts = [];
    this.#delivered = [];
    if (events.length > 0) await sql.query(EVENTS_SQL, byColumn(events, EVENT_COLUMN_LIST.length));
    if (outbox.length > 0) await sql.query(OUTBOX_SQL, byColumn(outbox, OUTBOX_COLUMNS.length));
    if (lines.length > 0) await insertLines(sql, lines, entries);
    if (settlements.length > 0) await settle(sql, settlements);
    if (attempts.length > 0) await sql.query(ATTEMPT_SQL, byColumn(attempts, 3));
    if (delivered.length > 0) await deliver(sql, delivered);
  }
}

async function insertLines(sql: Sql, lines: unknown[][], entries: readonly TranscriptEntry[]): Promise<void> {
  const { rows } = await sql.query(LINES_SQL, byColumn(lines, LINE_COLUMNS.length));
  if (rows.length === entries.length) return;
  const inserted = new Set(rows.map((row) => parseRow(idRow, row, 'transcript').id));
  const refused = entries.find((entry) => !inserted.has(entry.id));
  throw new DuplicateProviderMessageError(refused?.handoverId ?? '', refused?.providerMessageId ?? '');
}

async function settle(sql: Sql, settlements: readonly Settlement[]): Promise<void> {
  const rows = settlements.map(({ handoverId, entryId, outcome }) =>
    outcome === 'undelivered'
      ? [entryId, handoverId, 'undelivered', null]
      : [entryId, handoverId, 'sent', outcome.sent],
  );
  let changed: unknown[];
  try {
    changed = (await sql.query(SETTLE_SQL, byColumn(rows, 4))).rows;
  } catch (err) {
    // Two lines of the batch given one provider id (SQLSTATE 23505 on the provider-message index).
    if (
      err instanceof pg.DatabaseError &&
      err.code === '23505' &&
      err.constraint === 'transcript_provider_message'
    )
      throw duplicateAmong(settlements);
    throw err;
  }
  if (changed.length === settlements.length) return;
  const done = new Set(changed.map((row) => parseRow(idRow, row, 'transcript').id));
  const unchanged = settlements.filter((s) => !done.has(s.entryId));
  const { rows: found } = await sql.query(
    SETTLED_SQL,
    byColumn(
      unchanged.map((s) => [s.entryId, s.handoverId]),
      2,
    ),
  );
  const status = new Map(
    found.map((row) => {
      const line = parseRow(settledRow, row, 'transcript');
      return [line.id, line.outbound_status] as const;
    }),
  );
  for (const { handoverId, entryId, outcome } of unchanged) {
    const now = status.get(entryId);
    // Still pending: its provider id is another line's (SETTLE_SQL's NOT EXISTS).
    if (now === 'pending' && outcome !== 'undelivered')
      throw new DuplicateProviderMessageError(handoverId, outcome.sent);
    // Settled before (a late confirmation): it keeps what it has. No line, or an inbound one: a bug.
    if (now === undefined || now === null)
      throw new Error(`handover ${handoverId} has no outbound transcript line ${entryId}`);
  }
}

async function deliver(
  sql: Sql,
  outcomes: readonly { readonly eventId: string; readonly verdict: DeferredVerdict }[],
): Promise<void> {
  const { rows } = await sql.query(DELIVERED_SQL, [outcomes.map((o) => o.eventId)]);
  if (rows.length === outcomes.length) return;
  const gone = new Set(rows.map((row) => parseRow(eventIdRow, row, 'outbox').event_id));
  const rest = outcomes.filter((o) => !gone.has(o.eventId));
  const { rows: known } = await sql.query(KNOWN_EVENTS_SQL, [rest.map((o) => o.eventId)]);
  const events = new Set(known.map((row) => parseRow(idRow, row, 'events').id));
  // No row of the outbox changed for it: refusing it leaves the others' writes whole (group-commit.ts).
  for (const { eventId, verdict } of rest)
    if (!events.has(eventId))
      verdict.refused = new RefusedWrite(new Error(`no outbox entry for event ${eventId}`));
}

/** The settlement whose provider id another settlement of the batch has too (else the first sent). */
function duplicateAmong(settlements: readonly Settlement[]): DuplicateProviderMessageError {
  const seen = new Set<string>();
  let first: Settlement | undefined;
  for (const s of settlements) {
    if (s.outcome === 'undelivered') continue;
    first ??= s;
    const key = `${s.handoverId}\u0000${s.outcome.sent}`;
    if (seen.has(key)) return new DuplicateProviderMessageError(s.handoverId, s.outcome.sent);
    seen.add(key);
  }
  const sent = first?.outcome;
  return new DuplicateProviderMessageError(
    first?.handoverId ?? '',
    typeof sent === 'object' ? sent.sent : '',
  );
}

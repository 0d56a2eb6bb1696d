// Reading what happened at the provider, in provider order, into the handover. Used by the live
// stream (one event at a time), by a catch-up after a gap (guest chat does not replay events missed
// while the socket was down, protocol §9.7) and by the last read before an end.
//
// The cursor is the newest provider message committed in order; it only moves with a message that
// is committed in the same unit, so it never passes what was not read (issue 8).
import type {
  HandoverProvider,
  ParticipantState,
  Participant,
  ProviderEvent,
  ProviderRef,
} from '../ports/provider.ts';
import { DuplicateProviderMessageError, type TranscriptRepository } from '../ports/store/index.ts';
import type { HandoverUnits } from './handover-units.ts';
import { mayPark, type EventParking } from './event-parking.ts';

type MessageEvent = Extract<ProviderEvent, { type: 'message' }>;

/** History messages committed per unit during a catch-up. */
const HISTORY_BATCH = 50;

export interface ReadContext {
  readonly id: string;
  readonly units: HandoverUnits;
  readonly transcript: Pick<TranscriptRepository, 'hasProviderMessage'>;
  /** An event that keeps failing to commit is parked (event-parking.ts); absent: the error goes up. */
  readonly parking?: EventParking;
  /** Cuts the retries of a parking (the session stopped). */
  readonly signal?: AbortSignal;
}

/**
 * How the messages of a commit are checked against the transcript. `read`: each is looked up first
 * (a catch-up overlaps what is stored by design). `index`: the commit goes ahead without the look-up
 * and the store's unique index finds a duplicate (DuplicateProviderMessageError), after which the
 * unit runs again with the look-ups — for live events, nearly always new: the look-up was ~6 % of
 * the main thread in both directions, and a read right after the writer's commit costs three times
 * a read of an unchanged file (bench/README.md, rounds nine and ten). An own echo that matches no
 * pending line is looked up in both modes.
 */
export type Dedup = 'read' | 'index';

/**
 * Commits provider events in the order given, in one unit. Messages are de-duplicated by provider
 * message id (a catch-up overlaps the live stream by design; a webhook may come twice); a message
 * already stored does not move the cursor (it may be older than the cursor). When the unit fails and
 * the context parks, each event is committed on its own and one that keeps failing is parked.
 */
export async function applyInOrder(
  ctx: ReadContext,
  events: readonly ProviderEvent[],
  dedup: Dedup = 'read',
): Promise<void> {
  const { parking } = ctx;
  const wanted = parking ? events.filter((e) => !parking.isParked(ctx.id, e)) : events;
  if (wanted.length === 0) return;
  try {
    await commitInOrder(ctx, wanted, dedup);
  } catch (err) {
    if (!parking || !mayPark(err) || ctx.signal?.aborted) throw err;
    const signal = ctx.signal ?? new AbortController().signal;
    for (const event of wanted)
      await parking.commitOrPark(
        ctx.id,
        event,
        () => commitInOrder(ctx, [event], dedup),
        () => passParked(ctx, event),
        signal,
      );
  }
}

async function commitInOrder(
  ctx: ReadContext,
  events: readonly ProviderEvent[],
  dedup: Dedup,
): Promise<void> {
  if (dedup === 'index') {
    try {
      return await commitUnit(ctx, events, false);
    } catch (err) {
      if (!(err instanceof DuplicateProviderMessageError)) throw err;
    }
  }
  await commitUnit(ctx, events, true);
}

async function commitUnit(
  ctx: ReadContext,
  events: readonly ProviderEvent[],
  lookUp: boolean,
): Promise<void> {
  await ctx.units.run(ctx.id, async (draft) => {
    const seen = new Set<string>();
    for (const event of events) {
      if (event.type === 'message') {
        if (seen.has(event.providerMessageId)) continue;
        seen.add(event.providerMessageId);
        // An own echo that matches no pending line was most likely confirmed by its send's answer
        // first (protocol §5.6): looked up, it costs a read instead of a commit moving the cursor.
        const unmatchedEcho = event.own && !draft.echoMatches(event.text);
        if (
          (lookUp || unmatchedEcho) &&
          (await ctx.transcript.hasProviderMessage(ctx.id, event.providerMessageId))
        )
          continue;
        draft.apply({ kind: 'provider_event', event });
        draft.moveCursor(event.providerMessageId);
      } else {
        draft.apply({ kind: 'provider_event', event });
      }
    }
  });
}

/** A parked message is read: the cursor moves past it, as its commit would have moved it. */
async function passParked(ctx: ReadContext, event: ProviderEvent): Promise<void> {
  if (event.type !== 'message') return;
  await ctx.units.run(ctx.id, (draft) => {
    draft.moveCursor(event.providerMessageId);
  });
}

export interface CatchUpContext extends ReadContext {
  readonly provider: HandoverProvider;
  readonly ref: ProviderRef;
  readonly signal: AbortSignal;
  readonly now: () => string;
}

/**
 * One complete read of the provider: joins first, then the messages after the cursor (all pages),
 * then the leaves — so an agent who joined and wrote during the gap is announced before their
 * messages, and one who wrote and left ends the chat after them. The leaves come from the
 * participants read made before the history read: a leave is never applied from a newer read than
 * the history, which could lack a message written just before it. Transitions are idempotent, so a
 * retried or repeated read applies nothing twice.
 */
export async function catchUp(ctx: CatchUpContext): Promise<void> {
  const members = await ctx.provider.participants(ctx.ref, ctx.signal);
  await applyInOrder(
    ctx,
    participantEvents(members, (s) => s !== 'disconnected', ctx.now()),
  );
  const live = await ctx.units.read(ctx.id);
  let batch: MessageEvent[] = [];
  for await (const m of ctx.provider.history(ctx.ref, live?.record.provider?.cursor, ctx.signal)) {
    batch.push({ type: 'message', ...m });
    if (batch.length >= HISTORY_BATCH) {
      await applyInOrder(ctx, batch);
      batch = [];
    }
  }
  await applyInOrder(ctx, batch);
  await applyInOrder(
    ctx,
    participantEvents(members, (s) => s === 'disconnected', ctx.now()),
  );
}

function participantEvents(
  members: readonly { participant: Participant; state: ParticipantState }[],
  wanted: (state: ParticipantState) => boolean,
  at: string,
): ProviderEvent[] {
  return members
    .filter((m) => wanted(m.state))
    .map(({ participant, state }) => ({ type: 'participant', participant, state, at }));
}

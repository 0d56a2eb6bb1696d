// A handover's events for a follower (SSE): the backlog from the event log, then live events as
// commits announce them, in seq order, no gaps and no duplicates. The notifier only wakes the feed;
// every event is read from the log by seq, so a notification that raced a read, or one missed
// while the follower was busy, cannot lose an event.
import type { HandoverEvent } from '../model/events.ts';
import type { EventNotifier } from '../ports/notifier.ts';
import type { EventLog } from '../ports/store/index.ts';

/** Where a (re)connecting follower resumes. */
export interface ResumePoint {
  /** Send events with seq greater than this. */
  readonly afterSeq: number;
  /** The follower already has the terminal event: nothing more will come. */
  readonly hadTerminal: boolean;
}

export function isTerminalEvent(event: HandoverEvent): boolean {
  return event.type === 'handover.ended' || event.type === 'handover.failed';
}

export interface EventFeedDeps {
  readonly events: Pick<EventLog, 'after' | 'get'>;
  readonly notifier: EventNotifier;
  /** Whether the handover has ended or failed. */
  readonly isFinished: (handoverId: string) => Promise<boolean>;
  /** Events read per query. Default 100. */
  readonly batchSize?: number;
}

export type FeedOpening =
  /** Nothing more will ever come (the follower has everything): SSE answers 204. */
  | { readonly kind: 'finished' }
  | { readonly kind: 'events'; readonly batches: AsyncGenerator<HandoverEvent[]> };

export class EventFeed {
  readonly #d: EventFeedDeps;

  constructor(deps: EventFeedDeps) {
    this.#d = deps;
  }

  /**
   * Where to resume after `lastEventId`: an event id of this handover, or a bare seq (handy for curl
   * and for bots that stored seq). An unknown id, or one of another handover, restarts from the
   * beginning: a duplicate is recoverable (ids de-duplicate), a silent gap is not.
   */
  async resumePoint(handoverId: string, lastEventId: string | undefined): Promise<ResumePoint> {
    const text = lastEventId?.trim() ?? '';
    if (text === '') return { afterSeq: 0, hadTerminal: false };
    if (/^\d{1,15}$/.test(text)) return { afterSeq: Number(text), hadTerminal: false };
    const event = await this.#d.events.get(text);
    if (event?.handoverId !== handoverId) return { afterSeq: 0, hadTerminal: false };
    return { afterSeq: event.seq, hadTerminal: isTerminalEvent(event) };
  }

  /**
   * Opens a follow from `lastEventId`. The first read happens here (a store failure rejects before
   * the caller has answered anything); the batches end after the terminal event or when `signal`
   * aborts.
   */
  async open(handoverId: string, lastEventId: string | undefined, signal: AbortSignal): Promise<FeedOpening> {
    const resume = await this.resumePoint(handoverId, lastEventId);
    const first = await this.#d.events.after(handoverId, resume.afterSeq, this.#batchSize());
    if (first.length === 0 && (resume.hadTerminal || (await this.#d.isFinished(handoverId)))) {
      // The terminal event is committed atomically with the final state: one more read settles a race.
      const again = await this.#d.events.after(handoverId, resume.afterSeq, 1);
      if (again.length === 0) return { kind: 'finished' };
    }
    return { kind: 'events', batches: this.#follow(handoverId, resume.afterSeq, first, signal) };
  }

  #batchSize(): number {
    return this.#d.batchSize ?? 100;
  }

  async *#follow(
    handoverId: string,
    afterSeq: number,
    first: HandoverEvent[],
    signal: AbortSignal,
  ): AsyncGenerator<HandoverEvent[]> {
    let cursor = afterSeq;
    if (first.length > 0) {
      yield first;
      cursor = first[first.length - 1]?.seq ?? cursor;
      if (first.some(isTerminalEvent)) return;
    }
    // Object fields, not locals: closures flip them, which TypeScript's narrowing cannot see.
    // `dirty` starts true: whatever was committed since the first read is read at once.
    const state = { dirty: true, wake: undefined as (() => void) | undefined };
    const isDirty = (): boolean => state.dirty;
    const isAborted = (): boolean => signal.aborted;
    const unsubscribe = this.#d.notifier.subscribe(handoverId, () => {
      state.dirty = true;
      state.wake?.();
    });
    const onAbort = (): void => state.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!isAborted()) {
        if (!isDirty()) {
          await new Promise<void>((resolve) => {
            state.wake = resolve;
          });
          state.wake = undefined;
          continue;
        }
        state.dirty = false; // before the read: a notification during it makes us read once more
        const batch = await this.#d.events.after(handoverId, cursor, this.#batchSize());
        if (batch.length === 0) continue;
        yield batch;
        cursor = batch[batch.length - 1]?.seq ?? cursor;
        if (batch.some(isTerminalEvent)) return;
        if (batch.length === this.#batchSize()) state.dirty = true; // more backlog waiting
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  }
}

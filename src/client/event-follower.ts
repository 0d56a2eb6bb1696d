// Follows one handover's events over `GET /v1/handovers/{id}/events` (Server-Sent Events), the way a
// bot should:
//  - frames are parsed by `eventsource-parser` (WHATWG HTML §9.2: CR/LF/CRLF, multi-line data, comments);
//  - after a dropped connection it resumes with `Last-Event-ID` (the last event it handled), after
//    the gateway's `retry:` hint or `retryMs`;
//  - each event reaches `onEvent` once and in `seq` order, even when the gateway restarts the stream
//    from the beginning (an unknown Last-Event-ID does that: duplicates, never gaps);
//  - every event is validated with the shared schema (src/contract/events.ts); what does not parse
//    (e.g. an event type newer than this client) is reported to `onInvalid` and skipped;
//  - it stops after the terminal event (handover.ended / handover.failed), on 204, or when aborted.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { handoverEventSchema, type WireEvent } from '../contract/events.ts';
import { safeJson } from './errors.ts';
import { sleep } from './retry.ts';

/** What the follower needs of the client (a test may hand in its own). */
export interface EventSource {
  openEvents(handoverId: string, lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
}

export interface FollowOptions {
  readonly handoverId: string;
  /** Awaited before the next event is read: the bot's handling is ordered per handover. */
  readonly onEvent: (event: WireEvent) => Promise<void> | void;
  /** A frame that is not a valid event (following continues). */
  readonly onInvalid?: (reason: string) => void;
  /** A connection failed or ended early; following continues after the retry delay. */
  readonly onDisconnect?: (error: unknown) => void;
  readonly signal: AbortSignal;
  /** Start after this event (an id, or a seq as a string): what the bot handled before a restart. */
  readonly lastEventId?: string;
  /** Wait before reconnecting, ms. Default: the gateway's `retry:` hint (3 000), else 3 000. */
  readonly retryMs?: number;
}

export type FollowResult = 'finished' | 'aborted';

export const TERMINAL_EVENT_TYPES: ReadonlySet<WireEvent['type']> = new Set([
  'handover.ended',
  'handover.failed',
]);

export async function followHandoverEvents(
  source: EventSource,
  options: FollowOptions,
): Promise<FollowResult> {
  const { handoverId, signal } = options;
  let lastEventId = options.lastEventId;
  let lastSeq = seqOf(lastEventId);
  let serverRetryMs: number | undefined;
  while (!signal.aborted) {
    try {
      const res = await source.openEvents(handoverId, lastEventId, signal);
      // 204: the handover is over and we already had its last event.
      if (res.status === 204 || !res.body) return 'finished';
      const frames: EventSourceMessage[] = [];
      const parser = createParser({
        onEvent: (frame) => frames.push(frame),
        onRetry: (ms) => (serverRetryMs = ms),
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(value);
          while (frames.length > 0) {
            const frame = frames.shift();
            if (!frame) break;
            const result = handoverEventSchema.safeParse(safeJson(frame.data));
            if (!result.success) {
              options.onInvalid?.(
                `event ${frame.id ?? '?'} does not match the contract: ${result.error.message}`,
              );
              if (frame.id) lastEventId = frame.id;
              continue;
            }
            const event = result.data;
            if (event.seq <= lastSeq) continue; // already handled (a restart from the beginning)
            await options.onEvent(event);
            lastSeq = event.seq;
            lastEventId = event.id;
            if (TERMINAL_EVENT_TYPES.has(event.type)) return 'finished';
          }
        }
      } finally {
        // Stopped early (terminal event) or failed: release the connection now, not at the next abort.
        await reader.cancel().catch(() => undefined);
      }
      if (!isAborted(signal))
        options.onDisconnect?.(new Error('the event stream ended before the handover did'));
    } catch (err) {
      // Aborting ends the fetch with an error too; only a real failure is a disconnect.
      if (!isAborted(signal)) options.onDisconnect?.(err);
    }
    await sleep(options.retryMs ?? serverRetryMs ?? 3_000, signal);
  }
  return 'aborted';
}

/** A Last-Event-ID given as a number means "after this seq" (docs/webhooks.md); an id tells nothing here. */
function seqOf(lastEventId: string | undefined): number {
  return lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : 0;
}

/** Read through a function: the signal changes while we await, which narrowing cannot see. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

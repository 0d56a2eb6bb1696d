// Where a (re)connecting SSE client resumes: after the event named by Last-Event-ID. We send event
// ids, but accept a bare seq too (handy for curl and for bots that stored seq). An id we do not know,
// or one of another handover, restarts from the beginning: a duplicate is recoverable (ids
// de-duplicate), a silent gap is not.
import type { HandoverEvent } from '../../core/model/events.ts';
import type { HandoverStore } from '../../core/ports/store.ts';

export interface ResumePoint {
  /** Send events with seq greater than this. */
  readonly afterSeq: number;
  /** The client already has the terminal event: nothing more will come. */
  readonly hadTerminal: boolean;
}

const TERMINAL_TYPES: ReadonlySet<HandoverEvent['type']> = new Set(['handover.ended', 'handover.failed']);

export function isTerminalEvent(event: HandoverEvent): boolean {
  return TERMINAL_TYPES.has(event.type);
}

export async function resolveResumePoint(
  store: Pick<HandoverStore, 'getEvent'>,
  handoverId: string,
  lastEventId: string | undefined,
): Promise<ResumePoint> {
  const text = lastEventId?.trim() ?? '';
  if (text === '') return { afterSeq: 0, hadTerminal: false };
  if (/^\d{1,15}$/.test(text)) return { afterSeq: Number(text), hadTerminal: false };
  const event = await store.getEvent(text);
  if (event?.handoverId !== handoverId) return { afterSeq: 0, hadTerminal: false };
  return { afterSeq: event.seq, hadTerminal: isTerminalEvent(event) };
}

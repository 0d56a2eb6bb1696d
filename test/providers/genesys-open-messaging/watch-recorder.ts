// Records what a conversation watch hears (events and states) and waits for the next event of a kind.
import type {
  ConversationDetailEvent,
  WatchState,
} from '../../../src/providers/genesys-open-messaging/index.ts';
import { waitFor } from '../../support/wait-for.ts';

export function watchRecorder() {
  const events: ConversationDetailEvent[] = [];
  const states: WatchState[] = [];
  return {
    events,
    states,
    handlers: {
      onEvent: (e: ConversationDetailEvent) => events.push(e),
      onState: (s: WatchState) => states.push(s),
    },
    /** The first event of `kind` after the first `after` events (bounded wait). */
    next: <K extends ConversationDetailEvent['kind']>(kind: K, after = 0) =>
      waitFor(
        () =>
          events
            .slice(after)
            .find((e): e is Extract<ConversationDetailEvent, { kind: K }> => e.kind === kind),
        { what: kind },
      ),
  };
}

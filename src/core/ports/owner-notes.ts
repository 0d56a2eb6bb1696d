// Provider calls that are hints, not part of a handover's state — a customer typing pulse, a delivery
// receipt (Open Messaging §3.3) — asked for on an instance that does not own the handover (several
// instances on one database, issue 14). Only the owner talks to the provider, and only while its
// lease holds (the fencing rule, docs/scale-out.md), so the asking instance passes a note to the
// owner instead of calling the provider itself.
//
// Notes are not persisted: a note lost on the way (the owner just died) costs a typing pulse or a
// receipt, both courtesies that are tried a few times at most anyway.
// Adapter: store/postgres (pg-owner-notes.ts, NOTIFY).
import type { Unsubscribe } from './notifier.ts';

export type OwnerNote =
  | { readonly kind: 'typing'; readonly handoverId: string }
  | {
      readonly kind: 'receipt';
      readonly handoverId: string;
      readonly endpointId: string;
      /** The gateway event the receipt is about (de-duplication at the owner). */
      readonly eventId: string;
      /** The agent message's id (event data `messageId`). */
      readonly messageId: string;
      readonly outcome: 'delivered' | 'failed';
    };

export interface OwnerNotes {
  /** Passes the note to every instance; the owner of its handover acts on it. Never rejects. */
  tell(note: OwnerNote): Promise<void>;
  onNote(listener: (note: OwnerNote) => void): Unsubscribe;
}

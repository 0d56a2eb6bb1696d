// Provider events whose commit kept failing (docs/reliability.md, "A provider event that cannot be
// stored"): kept apart, with the error's code, so one event the store refuses cannot hold up its
// handover for ever and is never silently dropped either. Purged with their handover (retention).

export interface ParkedEvent {
  readonly handoverId: string;
  /** The provider message id of a message; `<type>:<participant id>:<state>` for the other events. */
  readonly eventKey: string;
  readonly eventType: 'message' | 'participant' | 'typing';
  /** Why the commit failed: a code, never a message (it could quote the data). */
  readonly errorCode: string;
  /** The event as JSON text, every NUL and lone surrogate escaped: storable whatever it holds. */
  readonly payload: string;
  readonly parkedAt: string;
}

export interface ParkedEventRepository {
  /** Keeps the event; parking one with the same (handoverId, eventKey) again changes nothing. */
  park(event: ParkedEvent): Promise<void>;
  /** The newest first, at most `limit`. */
  list(limit: number): Promise<ParkedEvent[]>;
}

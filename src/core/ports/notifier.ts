// "This handover has new events": a wake-up signal published after each commit that produced events.
// It carries no events — the event log is the truth and subscribers read it by seq — so a missed or
// doubled notification can never lose or duplicate an event. In one process it is an in-memory bus
// (delivery/in-process-notifier.ts); several instances share it through PostgreSQL LISTEN/NOTIFY
// (store/postgres/pg-notifier.ts), so an SSE stream on any instance wakes on any instance's commit.

export type Unsubscribe = () => void;

/** `remote`: the commit was made by another instance (the owner re-reads what it caches). */
export type ChangeListener = (remote: boolean) => void;

export interface EventNotifier {
  /** A commit of this instance changed the handover (after it is durable). */
  publish(handoverId: string): void;
  subscribe(handoverId: string, listener: ChangeListener): Unsubscribe;
}

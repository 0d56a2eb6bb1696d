// "This handover has new events": a wake-up signal published after each commit that produced events.
// It carries no events — the event log is the truth and subscribers read it by seq — so a missed or
// doubled notification can never lose or duplicate an event. In one process it is an in-memory bus
// (delivery/in-process-notifier.ts); several instances will back it with PostgreSQL LISTEN/NOTIFY.

export type Unsubscribe = () => void;

export interface EventNotifier {
  publish(handoverId: string): void;
  subscribe(handoverId: string, listener: () => void): Unsubscribe;
}

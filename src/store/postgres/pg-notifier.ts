// The EventNotifier shared by several instances: PostgreSQL LISTEN/NOTIFY (ports/notifier.ts). A
// publish wakes this instance's subscribers at once (in-process) and, through one NOTIFY, every other
// instance's — their SSE streams, and the owner of the handover when an API call was answered
// elsewhere. Publishes of one event-loop turn go out as one statement.
//
// A notification carries the handover id only (the event log is the truth), so a lost one costs a
// wake-up, never an event: after the listening connection is re-made, every subscriber is woken.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ChangeListener, EventNotifier, Unsubscribe } from '../../core/ports/notifier.ts';
import type { PgListener } from './pg-listener.ts';

/** This instance's own bus (delivery/in-process-notifier.ts), given by the composition root. */
export interface LocalBus {
  publish(handoverId: string, remote: boolean): void;
  publishAll(remote: boolean): void;
  subscribe(handoverId: string, listener: ChangeListener): Unsubscribe;
}

export class PgNotifier implements EventNotifier {
  readonly #pool: pg.Pool;
  readonly #listener: PgListener;
  readonly #channel: string;
  readonly #bus: LocalBus;
  /** Tells our own notifications apart (they come back to us too). */
  readonly #origin = randomUUID();
  #queued = new Set<string>();
  #flushing = false;

  constructor(pool: pg.Pool, listener: PgListener, channel: string, bus: LocalBus) {
    this.#pool = pool;
    this.#bus = bus;
    this.#listener = listener;
    this.#channel = channel;
  }

  /** Starts listening (call before the first publish that matters; the listener connects after). */
  async start(): Promise<void> {
    await this.#listener.listen(this.#channel, (payload) => this.#onNotification(payload));
    this.#listener.onReconnect(() => this.#bus.publishAll(true));
  }

  publish(handoverId: string): void {
    this.#bus.publish(handoverId, false);
    this.#queued.add(handoverId);
    if (this.#flushing) return;
    this.#flushing = true;
    setImmediate(() => void this.#flush());
  }

  subscribe(handoverId: string, listener: ChangeListener): Unsubscribe {
    return this.#bus.subscribe(handoverId, listener);
  }

  async #flush(): Promise<void> {
    while (this.#queued.size > 0) {
      const ids = [...this.#queued];
      this.#queued = new Set();
      try {
        await this.#pool.query('SELECT pg_notify($1, $2 || p) FROM unnest($3::text[]) AS p', [
          this.#channel,
          `${this.#origin}|`,
          ids,
        ]);
      } catch {
        // Other instances miss this wake-up: their safety poll (lease-keeper.ts) or the next
        // notification re-reads. The commit itself is durable already.
      }
    }
    this.#flushing = false;
  }

  #onNotification(payload: string): void {
    const bar = payload.indexOf('|');
    if (bar < 0 || payload.slice(0, bar) === this.#origin) return;
    this.#bus.publish(payload.slice(bar + 1), true);
  }
}

// The EventNotifier of one process: an in-memory wake-up per handover, published after a commit.
// Built by the composition root (no singleton); several instances will swap it for a PostgreSQL
// LISTEN/NOTIFY-backed notifier with the same port.
import type { EventNotifier, Unsubscribe } from '../core/ports/notifier.ts';

export class InProcessNotifier implements EventNotifier {
  readonly #listeners = new Map<string, Set<() => void>>();

  /** Tells subscribers of `handoverId` that new events may be in the store. */
  publish(handoverId: string): void {
    const set = this.#listeners.get(handoverId);
    if (!set) return;
    // Copy: a listener may unsubscribe while we iterate.
    for (const listener of [...set]) {
      try {
        listener();
      } catch {
        // A subscriber's bug must not stop the committer or the other subscribers.
      }
    }
  }

  subscribe(handoverId: string, listener: () => void): Unsubscribe {
    let set = this.#listeners.get(handoverId);
    if (!set) {
      set = new Set();
      this.#listeners.set(handoverId, set);
    }
    // Wrap so subscribing the same function twice yields two independent subscriptions.
    const entry = (): void => listener();
    set.add(entry);
    return () => {
      const current = this.#listeners.get(handoverId);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.#listeners.delete(handoverId);
    };
  }

  /** Live subscriptions, for one handover or all (leak checks, metrics). */
  listenerCount(handoverId?: string): number {
    if (handoverId !== undefined) return this.#listeners.get(handoverId)?.size ?? 0;
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}

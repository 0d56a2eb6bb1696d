// The EventNotifier of one process: an in-memory wake-up per handover, published after a commit.
// Built by the composition root (no singleton). Several instances: the PostgreSQL notifier
// (store/postgres/pg-notifier.ts) uses one as its local bus and adds LISTEN/NOTIFY between instances.
import type { ChangeListener, EventNotifier, Unsubscribe } from '../core/ports/notifier.ts';

export class InProcessNotifier implements EventNotifier {
  readonly #listeners = new Map<string, Set<ChangeListener>>();

  /** Tells subscribers of `handoverId` that new events may be in the store. */
  publish(handoverId: string, remote = false): void {
    const set = this.#listeners.get(handoverId);
    if (!set) return;
    // Copy: a listener may unsubscribe while we iterate.
    for (const listener of [...set]) {
      try {
        listener(remote);
      } catch {
        // A subscriber's bug must not stop the committer or the other subscribers.
      }
    }
  }

  subscribe(handoverId: string, listener: ChangeListener): Unsubscribe {
    let set = this.#listeners.get(handoverId);
    if (!set) {
      set = new Set();
      this.#listeners.set(handoverId, set);
    }
    // Wrap so subscribing the same function twice yields two independent subscriptions.
    const entry = (remote: boolean): void => listener(remote);
    set.add(entry);
    return () => {
      const current = this.#listeners.get(handoverId);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.#listeners.delete(handoverId);
    };
  }

  /** Wakes every subscriber (several instances: notifications may have been missed). */
  publishAll(remote = false): void {
    for (const id of [...this.#listeners.keys()]) this.publish(id, remote);
  }

  /** Live subscriptions, for one handover or all (leak checks, metrics). */
  listenerCount(handoverId?: string): number {
    if (handoverId !== undefined) return this.#listeners.get(handoverId)?.size ?? 0;
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}

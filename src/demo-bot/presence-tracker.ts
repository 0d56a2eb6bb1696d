// Tells the agent when the customer's page is gone and when it is back (the model's "user
// connects/disconnects" messages). A page counts as gone when none of its event streams has been
// open for `awayAfterMs` — long enough that a reload (which reconnects within a second) is not
// reported as leaving.
import type { ChatSession } from './chat-session.ts';

export class PresenceTracker {
  readonly #open = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #away = new Set<string>();

  constructor(
    private readonly report: (session: ChatSession, status: 'away' | 'back') => Promise<void>,
    private readonly awayAfterMs: number,
  ) {}

  opened(session: ChatSession): void {
    this.#open.set(session.id, (this.#open.get(session.id) ?? 0) + 1);
    clearTimeout(this.#timers.get(session.id));
    this.#timers.delete(session.id);
    if (this.#away.delete(session.id)) void this.report(session, 'back');
  }

  closed(session: ChatSession): void {
    const left = (this.#open.get(session.id) ?? 1) - 1;
    if (left > 0) {
      this.#open.set(session.id, left);
      return;
    }
    this.#open.delete(session.id);
    const timer = setTimeout(() => {
      this.#timers.delete(session.id);
      this.#away.add(session.id);
      void this.report(session, 'away');
    }, this.awayAfterMs);
    timer.unref();
    this.#timers.set(session.id, timer);
  }

  close(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}

// The bot server's sessions, in memory (a real bot keeps them in its own store — Redis, a database).
// Bounded: when full, the session idle the longest (and without an open page) is dropped first.
import { randomBytes } from 'node:crypto';
import { ChatSession, type RoutingChoice } from './chat-session.ts';

export class SessionStore {
  readonly #sessions = new Map<string, ChatSession>();
  readonly #max: number;
  readonly #onEvict: (session: ChatSession) => void;

  constructor(max: number, onEvict: (session: ChatSession) => void) {
    this.#max = max;
    this.#onEvict = onEvict;
  }

  get(id: string | undefined): ChatSession | undefined {
    return id === undefined ? undefined : this.#sessions.get(id);
  }

  create(settings: RoutingChoice): ChatSession {
    // 24 random bytes: unguessable, so one browser cannot read another's conversation.
    const session = new ChatSession(randomBytes(24).toString('base64url'), settings);
    this.#sessions.set(session.id, session);
    if (this.#sessions.size > this.#max) this.#evictOne();
    return session;
  }

  all(): ChatSession[] {
    return [...this.#sessions.values()];
  }

  get size(): number {
    return this.#sessions.size;
  }

  #evictOne(): void {
    let victim: ChatSession | undefined;
    for (const s of this.#sessions.values()) {
      if (s.subscribers > 0) continue;
      if (!victim || s.lastSeen < victim.lastSeen) victim = s;
    }
    if (!victim) return;
    this.#sessions.delete(victim.id);
    this.#onEvict(victim);
  }
}

// One pending timer per conversation (the guest's grace period without a stream, or closing the
// sockets of an ended chat, guest-chat doc §9.7). Setting a timer replaces the previous one.
export class ConversationTimers {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  set(conversationId: string, ms: number, fn: () => void): void {
    this.clear(conversationId);
    const timer = setTimeout(() => {
      this.#timers.delete(conversationId);
      fn();
    }, ms);
    timer.unref();
    this.#timers.set(conversationId, timer);
  }

  has(conversationId: string): boolean {
    return this.#timers.has(conversationId);
  }

  clear(conversationId: string): void {
    const timer = this.#timers.get(conversationId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(conversationId);
  }

  /** Shutdown: stop every timer. */
  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}

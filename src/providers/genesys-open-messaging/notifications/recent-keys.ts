// A bounded memory of recently seen event keys. During a channel renewal both the old and the new
// channel carry the same topics for a moment (make-before-break), and after `socket_closing` two
// sockets may overlap: the same event can arrive twice. Oldest keys are forgotten first.
import { createHash } from 'node:crypto';

export class RecentKeys {
  readonly #capacity: number;
  readonly #keys = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** True the first time `parts` is seen (within the window), false for a repeat. */
  firstTime(...parts: readonly string[]): boolean {
    const key = createHash('sha256').update(parts.join('\u0000')).digest('base64');
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next();
      if (oldest.done !== true) this.#keys.delete(oldest.value);
    }
    return true;
  }
}

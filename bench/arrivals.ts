// Counting messages as they arrive at the far side (the bot's webhook receiver, or the agent's view in
// the emulator), with the time each one took when its send time is known. Every benchmark message
// carries a unique text, so arrivals are matched by text; a duplicate delivery is counted once.
import { sleep } from '../test/support/sleep.ts';

export class Arrivals {
  /** Send time (performance.now()) of messages whose latency is wanted, by text. */
  readonly #sentAt = new Map<string, number>();
  readonly #seen = new Set<string>();
  /** Arrival latencies in ms, in arrival order. */
  readonly latencies: number[] = [];
  duplicates = 0;
  lastArrival = 0;
  readonly #prefix: string;
  /** Senders waiting for a count (`reached`). */
  #waiters: { readonly n: number; readonly resolve: () => void }[] = [];
  #released = false;

  /** Only texts starting with `prefix` are counted (other runs' stragglers are ignored). */
  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  get count(): number {
    return this.#seen.size;
  }

  sent(text: string, at = performance.now()): void {
    this.#sentAt.set(text, at);
  }

  arrived(text: string, at = performance.now()): void {
    if (!text.startsWith(this.#prefix)) return;
    if (this.#seen.has(text)) {
      this.duplicates += 1;
      return;
    }
    this.#seen.add(text);
    this.lastArrival = at;
    if (this.#waiters.length > 0) this.#wake();
    const sentAt = this.#sentAt.get(text);
    if (sentAt !== undefined) {
      this.latencies.push(at - sentAt);
      this.#sentAt.delete(text);
    }
  }

  /** Resolves once `n` distinct messages arrived (at once after `release`). */
  reached(n: number): Promise<void> {
    if (this.#released || this.count >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }

  /** Every `reached` resolves from now on (a run that timed out lets its senders finish). */
  release(): void {
    this.#released = true;
    this.#wake();
  }

  #wake(): void {
    const due = this.#waiters.filter((w) => this.#released || w.n <= this.count);
    if (due.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => !due.includes(w));
    for (const w of due) w.resolve();
  }

  /** Resolves once `n` distinct messages arrived; rejects after `timeoutMs` with how many did. */
  async waitFor(n: number, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.count < n) {
      if (performance.now() > deadline)
        throw new Error(
          `timed out after ${Math.round(timeoutMs / 1000)} s: ${what} (${this.count} of ${n} arrived)`,
        );
      await sleep(5);
    }
  }
}

/** Percentile (nearest rank) of a list of numbers; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

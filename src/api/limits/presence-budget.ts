// Presence notices, throttled like typing (protocol §5.7 asks for one typing pulse per 3 s): each
// notice is a message the agent reads, so a bot flapping "away"/"back" must not flood the chat. A
// token bucket per handover: a burst of BURST, then one every INTERVAL_MS; past it, 429 RATE_LIMITED
// with Retry-After. Nothing is held back or dropped silently: a notice the agent gets is in order
// with the customer's messages, and a refused one is the bot's to send again.
export const PRESENCE_BURST = 5;
export const PRESENCE_INTERVAL_MS = 3_000;
/** Handovers idle this long are forgotten (their bucket is full again anyway). */
const FORGET_AFTER_MS = 10 * 60_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class PresenceBudget {
  readonly #buckets = new Map<string, Bucket>();
  readonly #intervalMs: number;
  readonly #now: () => number;

  constructor(options: { intervalMs?: number; now?: () => number } = {}) {
    this.#intervalMs = options.intervalMs ?? PRESENCE_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one notice from the handover's budget: undefined when taken, else seconds to wait. */
  take(handoverId: string): number | undefined {
    const now = this.#now();
    this.#forgetIdle(now);
    const b = this.#buckets.get(handoverId) ?? { tokens: PRESENCE_BURST, at: now };
    b.tokens = Math.min(PRESENCE_BURST, b.tokens + (now - b.at) / this.#intervalMs);
    b.at = now;
    this.#buckets.set(handoverId, b);
    if (b.tokens < 1) return Math.max(1, Math.ceil(((1 - b.tokens) * this.#intervalMs) / 1000));
    b.tokens -= 1;
    return undefined;
  }

  /** Gives back a notice that was not sent (the handover was not open). */
  refund(handoverId: string): void {
    const b = this.#buckets.get(handoverId);
    if (b) b.tokens = Math.min(PRESENCE_BURST, b.tokens + 1);
  }

  #forgetIdle(now: number): void {
    if (this.#buckets.size < 1000) return;
    for (const [id, b] of this.#buckets) if (now - b.at > FORGET_AFTER_MS) this.#buckets.delete(id);
  }
}

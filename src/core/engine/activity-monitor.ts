// Who has been silent for how long, per live handover: the basis of the inactivity grace
// (customer_abandoned) and the session duration (expired). Plain bookkeeping with injected times,
// so the rules are unit-testable without timers.

export interface ActivityLimits {
  /** End `expired` after this long without a message in either direction. */
  readonly sessionDurationMs: number;
  /** While an agent is connected: end `customer_abandoned` after this long without customer activity. */
  readonly inactivityGraceMs?: number;
}

export type Expiry = { readonly handoverId: string; readonly reason: 'expired' | 'customer_abandoned' };

export class ActivityMonitor {
  /** Last message in either direction. Also the set of monitored handovers. */
  readonly #lastMessage = new Map<string, number>();
  /** Last sign of the customer: a message, typing, or presence "back". */
  readonly #lastCustomer = new Map<string, number>();
  /** Since when an agent has been connected (absent while none is). */
  readonly #agentSince = new Map<string, number>();

  /** Starts (or restarts) monitoring with times derived from the stored transcript. */
  track(handoverId: string, lastMessageAt: number, lastCustomerAt: number): void {
    this.#lastMessage.set(handoverId, lastMessageAt);
    this.#lastCustomer.set(handoverId, lastCustomerAt);
  }

  message(handoverId: string, at: number): void {
    if (this.#lastMessage.has(handoverId))
      this.#lastMessage.set(handoverId, Math.max(at, this.#lastMessage.get(handoverId) ?? at));
  }

  customer(handoverId: string, at: number): void {
    if (this.#lastMessage.has(handoverId))
      this.#lastCustomer.set(handoverId, Math.max(at, this.#lastCustomer.get(handoverId) ?? at));
  }

  /** Called after every state change: the inactivity clock runs only while an agent is connected. */
  agentConnected(handoverId: string, connected: boolean, at: number): void {
    if (!this.#lastMessage.has(handoverId)) return;
    if (!connected) this.#agentSince.delete(handoverId);
    else if (!this.#agentSince.has(handoverId)) this.#agentSince.set(handoverId, at);
  }

  forget(handoverId: string): void {
    this.#lastMessage.delete(handoverId);
    this.#lastCustomer.delete(handoverId);
    this.#agentSince.delete(handoverId);
  }

  /** Handovers past a limit at `now`; each is reported once (it is forgotten here). */
  due(now: number, limitsOf: (handoverId: string) => ActivityLimits | undefined): Expiry[] {
    const out: Expiry[] = [];
    for (const [handoverId, lastMessage] of this.#lastMessage) {
      const limits = limitsOf(handoverId);
      if (!limits) continue;
      const agentSince = this.#agentSince.get(handoverId);
      // A customer waiting in the queue is not "inactive": the clock starts when an agent connects.
      const quietSince = Math.max(this.#lastCustomer.get(handoverId) ?? 0, agentSince ?? 0);
      if (
        limits.inactivityGraceMs !== undefined &&
        agentSince !== undefined &&
        now - quietSince >= limits.inactivityGraceMs
      ) {
        out.push({ handoverId, reason: 'customer_abandoned' });
      } else if (now - lastMessage >= limits.sessionDurationMs) {
        out.push({ handoverId, reason: 'expired' });
      }
    }
    for (const e of out) this.forget(e.handoverId);
    return out;
  }
}

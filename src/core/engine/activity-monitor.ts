// Who has been silent for how long, per live handover: the basis of the inactivity grace
// (customer_abandoned) and the session duration (expired). Plain bookkeeping with injected times,
// so the rules are unit-testable without timers.
//
// Each handover is filed in a DeadlineIndex at the earliest time a limit could run out. Activity only
// notes a time (it pushes the deadline later; nothing is re-filed per message); when the filed time
// comes, the handover is checked and, if it was active meanwhile, filed again for the rest. So a
// check costs O(handovers due), not O(live handovers), and nothing is allocated for a quiet one.
import { DeadlineIndex, type Filed } from './deadline-index.ts';

export interface ActivityLimits {
  /** End `expired` after this long without a message in either direction. */
  readonly sessionDurationMs: number;
  /** While an agent is connected: end `customer_abandoned` after this long without customer activity. */
  readonly inactivityGraceMs?: number;
}

export type Expiry = { readonly handoverId: string; readonly reason: 'expired' | 'customer_abandoned' };

/**
 * One monitored handover: a single object, filed in the deadline index. Its times are ms since the
 * monitor's origin (its first time seen): a number that small sits in its field, where an epoch time
 * is a 16-byte number object of its own — three per live handover (issue 12, heap per handover).
 */
class Watch implements Filed {
  slot: number | undefined = undefined;
  /** Since when an agent has been connected (undefined while none is). */
  agentSince: number | undefined = undefined;

  constructor(
    readonly handoverId: string,
    readonly limits: ActivityLimits,
    /** Last message in either direction. */
    public lastMessage: number,
    /** Last sign of the customer: a message, typing, or presence "back". */
    public lastCustomer: number,
  ) {}

  /** When the inactivity grace runs out, if its clock runs (an agent is connected). */
  graceEnd(): number {
    const grace = this.limits.inactivityGraceMs;
    if (grace === undefined || this.agentSince === undefined) return Infinity;
    // A customer waiting in the queue is not "inactive": the clock starts when an agent connects.
    return Math.max(this.lastCustomer, this.agentSince) + grace;
  }

  sessionEnd(): number {
    return this.lastMessage + this.limits.sessionDurationMs;
  }
}

export class ActivityMonitor {
  readonly #watches = new Map<string, Watch>();
  readonly #due: DeadlineIndex<Watch>;
  /** The times given, as the watches hold them: ms since this (the first time given). */
  #origin: number | undefined;

  /** `slotMs`: how late a limit may be noticed at most (the sweep interval). */
  constructor(slotMs = 1_000) {
    this.#due = new DeadlineIndex(slotMs);
  }

  /** Starts (or restarts) monitoring with times derived from the stored transcript. */
  track(handoverId: string, limits: ActivityLimits, lastMessageAt: number, lastCustomerAt: number): void {
    const old = this.#watches.get(handoverId);
    const w = new Watch(handoverId, limits, this.#since(lastMessageAt), this.#since(lastCustomerAt));
    if (old) {
      w.agentSince = old.agentSince;
      this.#due.remove(old);
    }
    this.#watches.set(handoverId, w);
    this.#file(w);
  }

  message(handoverId: string, at: number): void {
    const w = this.#watches.get(handoverId);
    const t = this.#since(at);
    if (w && t > w.lastMessage) w.lastMessage = t;
  }

  customer(handoverId: string, at: number): void {
    const w = this.#watches.get(handoverId);
    const t = this.#since(at);
    if (w && t > w.lastCustomer) w.lastCustomer = t;
  }

  /** Called after every state change: the inactivity clock runs only while an agent is connected. */
  agentConnected(handoverId: string, connected: boolean, at: number): void {
    const w = this.#watches.get(handoverId);
    if (!w) return;
    if (!connected) w.agentSince = undefined;
    else if (w.agentSince === undefined) {
      w.agentSince = this.#since(at);
      this.#file(w); // the grace may now run out before the filed time
    }
  }

  forget(handoverId: string): void {
    const w = this.#watches.get(handoverId);
    if (!w) return;
    this.#due.remove(w);
    this.#watches.delete(handoverId);
  }

  /** Handovers past a limit at `now`; each is reported once (it is forgotten here). */
  due(now: number): Expiry[] {
    const out: Expiry[] = [];
    const t = this.#since(now);
    for (const w of this.#due.takeDue(now)) {
      if (t >= w.graceEnd()) out.push({ handoverId: w.handoverId, reason: 'customer_abandoned' });
      else if (t >= w.sessionEnd()) out.push({ handoverId: w.handoverId, reason: 'expired' });
      else {
        this.#file(w); // active meanwhile: checked again when the rest has run out
        continue;
      }
      this.#watches.delete(w.handoverId);
    }
    return out;
  }

  #file(w: Watch): void {
    this.#due.file(w, (this.#origin ?? 0) + Math.min(w.graceEnd(), w.sessionEnd()));
  }

  #since(at: number): number {
    if (this.#origin === undefined && Number.isFinite(at)) this.#origin = at;
    return at - (this.#origin ?? 0);
  }
}

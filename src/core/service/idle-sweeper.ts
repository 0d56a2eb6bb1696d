// Checks, on an interval, which live handovers are past their inactivity grace or session duration
// (ActivityMonitor decides) and hands them to `onDue`. One sweep at a time; stops with stop().
import type { Clock } from '../ports/clock.ts';
import type { ActivityLimits, ActivityMonitor, Expiry } from './activity-monitor.ts';

export class IdleSweeper {
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(
    private readonly deps: {
      readonly activity: ActivityMonitor;
      readonly clock: Clock;
      readonly intervalMs: number;
      readonly limitsOf: (handoverId: string) => ActivityLimits | undefined;
      readonly onDue: (expiry: Expiry) => Promise<unknown>;
    },
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.sweep(), this.deps.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const due = this.deps.activity.due(this.deps.clock.now().getTime(), this.deps.limitsOf);
      await Promise.allSettled(due.map((e) => this.deps.onDue(e)));
    } finally {
      this.#sweeping = false;
    }
  }
}

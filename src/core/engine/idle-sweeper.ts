// Checks, on an interval of the Scheduler port, which live handovers are past their inactivity grace
// or session duration (ActivityMonitor decides) and hands them to `onDue`. One sweep at a time; a
// sweep costs O(handovers due), however many are live (the monitor files them by deadline).
import type { Clock } from '../ports/clock.ts';
import type { Scheduler, TimerHandle } from '../ports/scheduler.ts';
import type { ActivityMonitor, Expiry } from './activity-monitor.ts';

export class IdleSweeper {
  #timer: TimerHandle | undefined;
  #sweeping = false;

  constructor(
    private readonly deps: {
      readonly activity: ActivityMonitor;
      readonly clock: Clock;
      readonly scheduler: Scheduler;
      readonly intervalMs: number;
      readonly onDue: (expiry: Expiry) => Promise<unknown>;
    },
  ) {}

  start(): void {
    this.#timer ??= this.deps.scheduler.every(this.deps.intervalMs, () => void this.sweep());
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  async sweep(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      const due = this.deps.activity.due(this.deps.clock.now().getTime());
      await Promise.allSettled(due.map((e) => this.deps.onDue(e)));
    } finally {
      this.#sweeping = false;
    }
  }
}

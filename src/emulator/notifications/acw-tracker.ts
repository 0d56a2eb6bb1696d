// After-call work of agents (OM doc §4.6 `acw`): an agent who was connected and then left — by
// ending the chat, by a transfer, or because the customer left — wraps up for `acwDurationMs`. The
// participant view shows startAcwTime/endAcwTime; the notifier publishes the acw event at the end.
import type { AcwTimes } from '../open-messaging/conversation-view.ts';

export class AcwTracker {
  readonly #durationMs: number;
  readonly #times = new Map<string, { startAcwTime: string; endAcwTime?: string }>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(durationMs: number) {
    this.#durationMs = durationMs;
  }

  /** Starts ACW for a participant; `ended` runs when it is over (not when the emulator closes first). */
  start(participantId: string, startTime: string, ended: (wrapupDurationMs: number) => void): void {
    const times: { startAcwTime: string; endAcwTime?: string } = { startAcwTime: startTime };
    this.#times.set(participantId, times);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      times.endAcwTime = new Date().toISOString();
      ended(Date.parse(times.endAcwTime) - Date.parse(startTime));
    }, this.#durationMs);
    timer.unref();
    this.#timers.add(timer);
  }

  acwOf(participantId: string): AcwTimes | undefined {
    return this.#times.get(participantId);
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

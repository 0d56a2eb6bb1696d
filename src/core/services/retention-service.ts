// Retention: ended handovers are deleted, with their transcript, events and outbox rows, a configured
// number of days after they ended — periodically by the gateway, and on demand by `genesys-handover
// purge`. With several instances one of them purges: the one holding the cluster singleton
// `retention-purge` (docs/scale-out.md); the purge's SKIP LOCKED keeps an overlap harmless anyway.
import type { Clock } from '../ports/clock.ts';
import { errorField, type Logger } from '../ports/logger.ts';
import type { Scheduler, TimerHandle } from '../ports/scheduler.ts';
import type { RetentionRepository } from '../ports/store/index.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Handovers deleted per transaction: short write locks beside the live traffic. */
const BATCH = 200;

export interface RetentionServiceDeps {
  readonly retention: RetentionRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Days after its end a handover is kept. */
  readonly days: number;
  /** Several instances: whether this one runs the purge now (asked at every tick). */
  readonly mayRun?: () => boolean;
}

export class RetentionService {
  readonly #d: RetentionServiceDeps;
  #timer: TimerHandle | undefined;
  #running: Promise<number> | undefined;

  constructor(deps: RetentionServiceDeps) {
    if (!(deps.days > 0)) throw new RangeError('days must be positive');
    this.#d = deps;
  }

  /** The cut-off now: handovers that ended before it are due. */
  cutoff(): string {
    return new Date(this.#d.clock.now().getTime() - this.#d.days * DAY_MS).toISOString();
  }

  /** Deletes every due handover, batch by batch; resolves with how many went. */
  async purgeNow(): Promise<number> {
    const before = this.cutoff();
    let total = 0;
    for (;;) {
      const n = await this.#d.retention.purgeEnded(before, BATCH);
      total += n;
      if (n < BATCH) return total;
    }
  }

  /** Purges now and every `intervalMs`; a failed run is logged and tried again at the next one. */
  start(scheduler: Scheduler, intervalMs: number): void {
    if (this.#timer) return;
    const tick = (): void => {
      if (this.#running) return; // the previous run is still going: skip, do not pile up
      if (this.#d.mayRun && !this.#d.mayRun()) return; // another instance purges
      this.#running = this.purgeNow()
        .then((n) => {
          if (n > 0)
            this.#d.logger.info({ purged: n, days: this.#d.days }, 'retention: ended handovers purged');
          return n;
        })
        .catch((err: unknown) => {
          this.#d.logger.error({ err: errorField(err) }, 'retention: purge failed; trying again later');
          return 0;
        })
        .finally(() => {
          this.#running = undefined;
        });
    };
    this.#timer = scheduler.every(intervalMs, tick);
    scheduler.after(0, tick);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#running;
  }
}

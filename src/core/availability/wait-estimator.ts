// handover.wait_estimate events (issue 17): while a handover is queued, the contact center's
// estimate for its conversation and its place in the queue (OM doc §7.6), sent when they change and
// again every interval when they do not — so a bot can keep the customer posted. Each endpoint is
// polled on the Scheduler port (no raw timers in the core); an event is committed through the
// handover's unit of work like any other, so it is stored, ordered and delivered with the rest.
import type { HandoverUnits } from '../engine/handover-units.ts';
import type { Logger } from '../ports/logger.ts';
import type { Clock } from '../ports/clock.ts';
import type { ProviderRef } from '../ports/provider.ts';
import type { Scheduler, TimerHandle } from '../ports/scheduler.ts';
import type { HandoverRepository } from '../ports/store/handover-repository.ts';
import type { AvailabilityService } from './availability-service.ts';
import type { WaitPosition } from './model.ts';

export interface WaitEstimatorDeps {
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly handovers: Pick<HandoverRepository, 'list'>;
  readonly units: Pick<HandoverUnits, 'read' | 'run'>;
  readonly availability: Pick<AvailabilityService, 'waitPositions'>;
  /** Endpoints that have a wait source, with how often an unchanged estimate is repeated, ms. */
  readonly endpoints: readonly { readonly id: string; readonly intervalMs: number }[];
  readonly logger: Logger;
  /**
   * Several instances (issue 14): true on the one instance that polls for the whole cluster (a
   * singleton lease, `wait-estimates`). Each instance polling would multiply the Platform API reads
   * and the events by the number of instances. Default: always (one instance).
   */
  readonly mayRun?: () => boolean;
}

/** A change is noticed within this long even when the interval is longer. */
const MAX_POLL_MS = 10_000;
/** Queued handovers looked at per endpoint and poll (Genesys answers one estimate per call). */
const MAX_PER_POLL = 25;

interface Sent {
  readonly key: string;
  readonly at: number;
}

export class WaitEstimator {
  readonly #d: WaitEstimatorDeps;
  readonly #timers: TimerHandle[] = [];
  /** Per endpoint: what each waiting handover was last told. */
  readonly #sent = new Map<string, Map<string, Sent>>();
  readonly #running = new Set<string>();

  constructor(deps: WaitEstimatorDeps) {
    this.#d = deps;
  }

  start(): void {
    for (const { id, intervalMs } of this.#d.endpoints) {
      if (!(intervalMs > 0)) continue;
      this.#timers.push(
        this.#d.scheduler.every(Math.min(intervalMs, MAX_POLL_MS), () => void this.poll(id, intervalMs)),
      );
    }
  }

  stop(): void {
    for (const t of this.#timers.splice(0)) t.cancel();
  }

  /** One look at an endpoint's queued handovers (also what the timers run). */
  async poll(endpointId: string, intervalMs: number): Promise<void> {
    if (this.#running.has(endpointId)) return;
    if (this.#d.mayRun && !this.#d.mayRun()) {
      this.#sent.delete(endpointId); // another instance tells them now; start afresh if this one takes over
      return;
    }
    this.#running.add(endpointId);
    try {
      const page = await this.#d.handovers.list({
        endpointIds: [endpointId],
        state: 'queued',
        limit: MAX_PER_POLL,
      });
      const waiting: { id: string; ref: ProviderRef }[] = [];
      for (const h of page.items) {
        const ref = (await this.#d.units.read(h.id))?.record.provider?.ref;
        if (ref) waiting.push({ id: h.id, ref });
      }
      const positions = await this.#d.availability.waitPositions(
        endpointId,
        waiting.map((w) => w.ref),
      );
      const now = this.#d.clock.now().getTime();
      const previous = this.#sent.get(endpointId) ?? new Map<string, Sent>();
      // Only handovers still waiting are remembered: one that waits again later starts afresh.
      const next = new Map<string, Sent>();
      await Promise.all(
        waiting.map(async (w, i) => {
          const sent = await this.#maybeSend(w.id, positions[i], previous.get(w.id), now, intervalMs);
          if (sent) next.set(w.id, sent);
        }),
      );
      this.#sent.set(endpointId, next);
    } catch (err) {
      this.#d.logger.warn(
        { endpoint: endpointId, err: err instanceof Error ? err.name : typeof err },
        'wait estimates failed',
      );
    } finally {
      this.#running.delete(endpointId);
    }
  }

  /** Sends when the estimate changed or the interval passed; returns what the handover was last told. */
  async #maybeSend(
    handoverId: string,
    position: WaitPosition | undefined,
    last: Sent | undefined,
    now: number,
    intervalMs: number,
  ): Promise<Sent | undefined> {
    if (!position) return last;
    const key = `${position.estimatedWaitSeconds ?? ''}|${position.position ?? ''}`;
    if (last && last.key === key && now - last.at < intervalMs) return last;
    // The state machine emits only while the handover is still queued (an agent may have joined).
    // Like an API write, valid from any instance (the poller need not own the handover): unfenced.
    await this.#d.units.run(handoverId, (draft) => draft.apply({ kind: 'wait_estimate', ...position }), {
      anyInstance: true,
    });
    return { key, at: now };
  }
}

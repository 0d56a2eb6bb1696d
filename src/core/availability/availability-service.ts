// Availability of endpoints for the bot API and the handover policy (issue 17). Facts from the
// contact center are read at most once per endpoint per cache interval, whatever the number of
// callers and whatever languages and skills they ask about (one read serves every query: matching
// is done here), and concurrent callers share one read in flight — so bots may ask on every turn
// without meeting Genesys' per-token rate limit (OM doc §1.4). Business hours are evaluated on every
// call (pure, no I/O) from the cached schedule data or the endpoint's own hours.
import { GatewayError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { ProviderRef } from '../ports/provider.ts';
import { evaluateSchedule } from '../schedule/evaluate-schedule.ts';
import type { OpeningState, Recurrence, ScheduleGroup } from '../schedule/model.ts';
import { countMatchingAgents } from './agent-match.ts';
import type {
  Availability,
  AvailabilityFacts,
  AvailabilityQuery,
  AvailabilitySource,
  FactSource,
  WaitPosition,
} from './model.ts';

export type HandoverPolicy = 'refuse' | 'queue';

export interface EndpointAvailability {
  /** The contact center's Platform API, when an OAuth client is configured for the endpoint. */
  readonly source?: AvailabilitySource | undefined;
  /** Whether the source reads a Genesys schedule group (else hours come from `ownHours` or nowhere). */
  readonly genesysHours: boolean;
  /** The endpoint's own opening hours (config), which win over a schedule group. */
  readonly ownHours?: ScheduleGroup | undefined;
  /** How long one read of the facts serves every caller, ms. */
  readonly cacheMs: number;
  /** POST /v1/handovers outside opening hours. */
  readonly whenClosed: HandoverPolicy;
  /** POST /v1/handovers when no agent fits. */
  readonly whenNoAgent: HandoverPolicy;
}

export interface AvailabilityServiceDeps {
  readonly endpoint: (endpointId: string) => EndpointAvailability | undefined;
  readonly known: (endpointId: string) => boolean;
  readonly clock: Clock;
  readonly recurrence: Recurrence;
}

interface CachedFacts {
  readonly facts: AvailabilityFacts;
  readonly readAt: number;
}

export class AvailabilityService {
  readonly #d: AvailabilityServiceDeps;
  readonly #cache = new Map<string, CachedFacts>();
  readonly #inFlight = new Map<string, Promise<CachedFacts>>();
  readonly #stop = new AbortController();

  constructor(deps: AvailabilityServiceDeps) {
    this.#d = deps;
  }

  async check(endpointId: string, query: AvailabilityQuery): Promise<Availability> {
    if (!this.#d.known(endpointId)) throw new GatewayError('UNKNOWN_ENDPOINT');
    const config = this.#d.endpoint(endpointId);
    const now = this.#d.clock.now();
    const cached = config?.source ? await this.#facts(endpointId, config) : undefined;
    const facts = cached?.facts ?? {};
    const failed = new Set(facts.failures ?? []);
    const fromSource = (name: string, source: FactSource, value: number | undefined) =>
      !config?.source
        ? { value: null, source: 'unavailable' as const }
        : failed.has(name) || value === undefined
          ? { value: null, source: 'error' as const }
          : { value, source };
    const counts = facts.members && countMatchingAgents(facts.members, query);
    return {
      endpointId,
      asOf: new Date(cached?.readAt ?? now.getTime()).toISOString(),
      open: this.#opening(now, config, facts),
      agentsAvailable:
        counts && !failed.has('members')
          ? {
              value: counts.idle + counts.interacting,
              source: 'genesys-queue-members',
              idle: counts.idle,
              interacting: counts.interacting,
              onQueue: counts.onQueue,
            }
          : fromSource('members', 'genesys-queue-members', undefined),
      waiting: fromSource('waiting', 'genesys-queue-observations', facts.waiting),
      estimatedWaitSeconds: fromSource(
        'estimatedWait',
        'genesys-estimated-wait-time',
        facts.estimatedWaitSeconds,
      ),
    };
  }

  /**
   * The endpoint's handover policy: throws ENDPOINT_CLOSED (with the next opening) or
   * NO_AGENT_AVAILABLE when the endpoint refuses; unknown facts never refuse (fail open).
   */
  async admit(endpointId: string, query: AvailabilityQuery): Promise<void> {
    const config = this.#d.endpoint(endpointId);
    if (!config || (config.whenClosed === 'queue' && config.whenNoAgent === 'queue')) return;
    const availability = await this.check(endpointId, query);
    if (config.whenClosed === 'refuse' && availability.open.value === false) {
      const next = availability.open.nextOpening;
      throw new GatewayError('ENDPOINT_CLOSED', {
        ...(next === undefined ? {} : { message: `The endpoint is closed; it opens at ${next}.` }),
        data: { nextOpening: next ?? null },
      });
    }
    if (config.whenNoAgent === 'refuse' && availability.agentsAvailable.value === 0) {
      throw new GatewayError('NO_AGENT_AVAILABLE');
    }
  }

  /** Waiting conversations' estimates and positions; undefined entries without a source or on failure. */
  async waitPositions(
    endpointId: string,
    refs: readonly ProviderRef[],
  ): Promise<(WaitPosition | undefined)[]> {
    const source = this.#d.endpoint(endpointId)?.source;
    if (!source || refs.length === 0) return refs.map(() => undefined);
    try {
      return await source.waitPositions(refs, this.#stop.signal);
    } catch {
      return refs.map(() => undefined);
    }
  }

  close(): void {
    this.#stop.abort(new GatewayError('SHUTTING_DOWN'));
  }

  #opening(
    now: Date,
    config: EndpointAvailability | undefined,
    facts: AvailabilityFacts,
  ): Availability['open'] {
    const evaluate = (group: ScheduleGroup, source: FactSource, emergency?: AvailabilityFacts['hours']) => {
      try {
        const state = evaluateSchedule(now, {
          group,
          emergency: emergency?.emergency,
          recurrence: this.#d.recurrence,
        });
        return present(state, group.timeZone, source);
      } catch {
        // A rule the recurrence library cannot read (Genesys data): unknown, not closed.
        return { value: null, source: 'error' as const };
      }
    };
    if (config?.ownHours) return evaluate(config.ownHours, 'endpoint-hours');
    if (!config?.genesysHours) return { value: null, source: 'not-configured' };
    if (!facts.hours || facts.failures?.includes('hours')) return { value: null, source: 'error' };
    return evaluate(facts.hours.group, 'genesys-schedule-group', facts.hours);
  }

  async #facts(endpointId: string, config: EndpointAvailability): Promise<CachedFacts> {
    const now = this.#d.clock.now().getTime();
    const cached = this.#cache.get(endpointId);
    if (cached && now - cached.readAt < config.cacheMs) return cached;
    const pending = this.#inFlight.get(endpointId);
    if (pending) return pending;
    const source = config.source;
    if (!source) return { facts: {}, readAt: now };
    const read = source
      .readFacts(this.#stop.signal)
      // A failed read is cached like a good one: Genesys being down is no reason to ask it more often.
      .catch((): AvailabilityFacts => ({ failures: ['hours', 'members', 'waiting', 'estimatedWait'] }))
      .then((facts) => {
        const entry = { facts, readAt: this.#d.clock.now().getTime() };
        this.#cache.set(endpointId, entry);
        return entry;
      })
      .finally(() => this.#inFlight.delete(endpointId));
    this.#inFlight.set(endpointId, read);
    return read;
  }
}

function present(state: OpeningState, timeZone: string, source: FactSource): Availability['open'] {
  return {
    value: state.open,
    source,
    path: state.path,
    timeZone,
    ...(state.decidedBy ? { decidedBy: state.decidedBy.name } : {}),
    ...(state.nextOpening ? { nextOpening: state.nextOpening.toISOString() } : {}),
    ...(state.nextClosing ? { nextClosing: state.nextClosing.toISOString() } : {}),
  };
}

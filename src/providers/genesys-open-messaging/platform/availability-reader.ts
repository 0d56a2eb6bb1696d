// The AvailabilitySource of an endpoint on the Genesys Platform API (OM doc §7): one read gathers
// the queue's members with their skills and languages (§7.3), the waiting count (§7.2), a new
// arrival's estimated wait (§7.1) and — when configured — the schedule group, its schedules and the
// emergency group (§7.5). The queue id (§7.4) is looked up once; schedule data is kept longer than
// the counts (it changes rarely), the emergency group is read every time (it is the urgent switch).
// Each part fails on its own: a failed part is named in `failures`, the others still count.
// Transient failures (5xx, timeouts) are tried again once through core/retry.
import type { Clock } from '../../../core/ports/clock.ts';
import type { ProviderRef } from '../../../core/ports/provider.ts';
import type { Random, Scheduler } from '../../../core/ports/scheduler.ts';
import { retry } from '../../../core/retry/retry.ts';
import type {
  AvailabilityFacts,
  AvailabilitySource,
  QueueMemberFact,
  WaitPosition,
} from '../../../core/availability/model.ts';
import type { EmergencyGroup, Schedule, ScheduleGroup } from '../../../core/schedule/model.ts';
import { parseLocalDateTime } from '../../../core/schedule/wall-time.ts';
import { classifyOpenMessagingError } from '../errors.ts';
import type { PlatformReadsApi } from './platform-reads-api.ts';
import type { ObservationResponse, ScheduleWire } from './wire.ts';

export interface AvailabilityReaderOptions {
  readonly api: PlatformReadsApi;
  /** The endpoint's queue, by name (§7.4 lookup). */
  readonly queueName: string;
  /** `message` for Open Messaging, `chat` for guest chat (§7.1 media types). */
  readonly mediaType: 'message' | 'chat';
  /** Schedule group by id or name; absent: no business hours from Genesys. */
  readonly scheduleGroup?: string | undefined;
  readonly emergencyGroup?: string | undefined;
  /** How long schedule data is kept, ms. Default 60,000. */
  readonly scheduleCacheMs?: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  /** Per-call timeout, ms. Default 5,000 (a bot is waiting). */
  readonly timeoutMs?: number;
}

export class GenesysAvailabilityReader implements AvailabilitySource {
  readonly #o: AvailabilityReaderOptions;
  #queueId: string | undefined;
  #schedules: { group: ScheduleGroup; readAt: number } | undefined;

  constructor(options: AvailabilityReaderOptions) {
    this.#o = options;
  }

  async readFacts(signal: AbortSignal): Promise<AvailabilityFacts> {
    const failures: string[] = [];
    const part = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch {
        failures.push(name);
        return undefined;
      }
    };
    const queueId = await part('queue', () => this.#queue(signal));
    const [members, waiting, estimatedWaitSeconds, hours] = await Promise.all([
      queueId === undefined ? undefined : part('members', () => this.#members(queueId, signal)),
      queueId === undefined
        ? undefined
        : part('waiting', async () =>
            waitingOf(
              await this.#call((s) => this.#o.api.observeWaiting(queueId, this.#o.mediaType, s), signal),
            ),
          ),
      queueId === undefined
        ? undefined
        : part('estimatedWait', () =>
            this.#call((s) => this.#o.api.estimatedWait(queueId, this.#o.mediaType, s), signal),
          ),
      this.#o.scheduleGroup === undefined ? undefined : part('hours', () => this.#hours(signal)),
    ]);
    if (queueId === undefined) failures.push('members', 'waiting', 'estimatedWait');
    return {
      ...(members ? { members } : {}),
      ...(waiting !== undefined ? { waiting } : {}),
      ...(estimatedWaitSeconds !== undefined ? { estimatedWaitSeconds } : {}),
      ...(hours ? { hours } : {}),
      ...(failures.length ? { failures } : {}),
    };
  }

  /**
   * §7.6: (a) the per-conversation estimate, one call each; (b) the position from one read of the
   * queue's waiting details. Both providers' refs carry the Genesys `conversationId`.
   */
  async waitPositions(
    refs: readonly ProviderRef[],
    signal: AbortSignal,
  ): Promise<(WaitPosition | undefined)[]> {
    const queueId = await this.#queue(signal);
    const ids = refs.map((r) =>
      typeof r.data.conversationId === 'string' ? r.data.conversationId : undefined,
    );
    const observed = await this.#call(
      (s) => this.#o.api.observeWaiting(queueId, this.#o.mediaType, s),
      signal,
    ).catch(() => undefined);
    return Promise.all(
      ids.map(async (conversationId) => {
        if (conversationId === undefined) return undefined;
        const estimate = await this.#call(
          (s) => this.#o.api.conversationEstimatedWait(queueId, conversationId, s),
          signal,
        ).catch(() => undefined);
        const position = observed === undefined ? undefined : positionOf(observed, conversationId);
        if (estimate === undefined && position === undefined) return undefined;
        return {
          ...(estimate !== undefined ? { estimatedWaitSeconds: estimate } : {}),
          ...(position !== undefined ? { position } : {}),
        };
      }),
    );
  }

  async #queue(signal: AbortSignal): Promise<string> {
    if (this.#queueId !== undefined) return this.#queueId;
    const id = await this.#call((s) => this.#o.api.findQueueId(this.#o.queueName, s), signal);
    if (id === undefined) throw new Error('the queue is not found');
    this.#queueId = id;
    return id;
  }

  async #members(queueId: string, signal: AbortSignal): Promise<QueueMemberFact[]> {
    const members = await this.#call((s) => this.#o.api.queueMembers(queueId, s), signal);
    return members
      .filter((m) => m.joined !== false)
      .map((m) => ({
        routingStatus: m.routingStatus?.status ?? 'OFF_QUEUE',
        skills: (m.user?.skills ?? []).map((s) => s.name),
        languages: (m.user?.languages ?? []).map((l) => l.name),
      }));
  }

  async #hours(signal: AbortSignal): Promise<AvailabilityFacts['hours']> {
    const now = this.#o.clock.now().getTime();
    const keep = this.#o.scheduleCacheMs ?? 60_000;
    let group = this.#schedules && now - this.#schedules.readAt < keep ? this.#schedules.group : undefined;
    if (!group) {
      group = await this.#readGroup(signal);
      this.#schedules = { group, readAt: now };
    }
    const name = this.#o.emergencyGroup;
    const emergency =
      name === undefined ? undefined : await this.#call((s) => this.#o.api.emergencyGroup(name, s), signal);
    if (name !== undefined && !emergency) throw new Error('the emergency group is not found');
    const emergencyGroup: EmergencyGroup | undefined = emergency && {
      id: emergency.id,
      name: emergency.name,
      active: (emergency.state ?? 'active') === 'active',
      enabled: emergency.enabled,
    };
    return { group, emergency: emergencyGroup };
  }

  async #readGroup(signal: AbortSignal): Promise<ScheduleGroup> {
    const idOrName = this.#o.scheduleGroup ?? '';
    const wire = await this.#call((s) => this.#o.api.scheduleGroup(idOrName, s), signal);
    if (!wire) throw new Error('the schedule group is not found');
    const read = (refs: readonly { id: string }[]) =>
      Promise.all(refs.map((r) => this.#call((s) => this.#o.api.schedule(r.id, s), signal).then(toSchedule)));
    const [open, closed, holidays] = await Promise.all([
      read(wire.openSchedules),
      read(wire.closedSchedules),
      read(wire.holidaySchedules),
    ]);
    return { id: wire.id, name: wire.name, timeZone: wire.timeZone, open, closed, holidays };
  }

  #call<T>(
    fn: (options: { signal: AbortSignal; timeoutMs: number }) => Promise<T>,
    signal: AbortSignal,
  ): Promise<T> {
    return retry(() => fn({ signal, timeoutMs: this.#o.timeoutMs ?? 5_000 }), {
      policy: { initialDelayMs: 200, maxDelayMs: 1_000 },
      maxAttempts: 2,
      classify: classifyOpenMessagingError,
      scheduler: this.#o.scheduler,
      random: this.#o.random,
      signal,
    });
  }
}

/** A schedule Genesys sent; one with dates we cannot read is treated as inactive. */
function toSchedule(wire: ScheduleWire): Schedule {
  const start = parseLocalDateTime(wire.start);
  const end = parseLocalDateTime(wire.end);
  return {
    id: wire.id,
    name: wire.name,
    active: (wire.state ?? 'active') === 'active' && start !== undefined && end !== undefined,
    start: start ?? 0,
    end: end ?? 0,
    rrule: wire.rrule ?? undefined,
  };
}

function waitingData(response: ObservationResponse) {
  return response.results.flatMap((r) => r.data).find((d) => d.metric === 'oWaiting');
}

function waitingOf(response: ObservationResponse): number {
  return waitingData(response)?.stats?.count ?? 0;
}

/**
 * §7.6 (b): our conversation's rank among the waiting ones — priority descending, then oldest
 * first. Ignores skills and bullseye rings [I]; undefined when it is not among them.
 */
function positionOf(response: ObservationResponse, conversationId: string): number | undefined {
  const observations = [...(waitingData(response)?.observations ?? [])].sort(
    (a, b) =>
      (b.routingPriority ?? 0) - (a.routingPriority ?? 0) ||
      Date.parse(a.observationDate) - Date.parse(b.observationDate),
  );
  const index = observations.findIndex((o) => o.conversationId === conversationId);
  return index < 0 ? undefined : index + 1;
}

// A provider event whose commit fails again and again is parked, not dropped and not left to hold up
// its handover for ever. Without this, one event the store refuses (a value it cannot hold, a bug)
// would stop a handover: the session goes on catching up from the cursor before it, fails on it again,
// and no later agent message ever reaches the bot.
//
// When a batch of events fails to commit, each is committed on its own, retried with the project's
// one backoff (core/retry). One that still fails is written to the parked events (its JSON, the
// error's code) and — a message — the cursor moves past it, so the handover goes on with the next
// one; it is logged (ids and codes, never texts) and counted. Parking is itself a write: while the
// store is down it fails too, the error goes up, and the catch-up is retried as before — nothing is
// parked because of an outage. An event parked in this process is skipped at once when read again
// (participants have no cursor: every catch-up reads them).
import { GatewayError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ProviderEvent } from '../ports/provider.ts';
import type { Random, Scheduler } from '../ports/scheduler.ts';
import type { ParkedEvent, ParkedEventRepository } from '../ports/store/index.ts';
import type { BackoffPolicy } from '../retry/backoff.ts';
import { retry } from '../retry/retry.ts';
import { errorCode } from './errors.ts';

export interface EventParkingDeps {
  readonly store: Pick<ParkedEventRepository, 'park'>;
  /** Commits of one event before it is parked (the first one included). */
  readonly attempts: number;
  readonly policy: BackoffPolicy;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  /** Told of every event parked (a metric). */
  readonly onParked?: (event: ParkedEvent) => void;
}

export class EventParking {
  readonly #d: EventParkingDeps;
  /** Event keys parked in this process, by handover. */
  readonly #parked = new Map<string, Set<string>>();

  constructor(deps: EventParkingDeps) {
    this.#d = deps;
  }

  /** Whether this event of the handover was parked (by this process): skip it. */
  isParked(handoverId: string, event: ProviderEvent): boolean {
    return this.#parked.get(handoverId)?.has(eventKey(event)) ?? false;
  }

  /** Forgets a handover that left this process. */
  forget(handoverId: string): void {
    this.#parked.delete(handoverId);
  }

  /**
   * Commits one event (`commit`), retried; parks it when every attempt failed, then `passed` (the
   * cursor moves past a message). Throws what cannot be parked: a lost lease, a stop, a failing
   * park (the store is down: the caller retries later).
   */
  async commitOrPark(
    handoverId: string,
    event: ProviderEvent,
    commit: () => Promise<void>,
    passed: () => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const { policy, scheduler, random, attempts } = this.#d;
    try {
      await retry(commit, {
        policy,
        maxAttempts: attempts,
        classify: (err) => (mayPark(err) && !signal.aborted ? {} : undefined),
        scheduler,
        random,
        signal,
      });
      return;
    } catch (err) {
      if (!mayPark(err) || signal.aborted) throw err;
      const parked: ParkedEvent = {
        handoverId,
        eventKey: eventKey(event),
        eventType: event.type,
        errorCode: storeErrorCode(err),
        // JSON.stringify escapes NUL and lone surrogates: the payload is storable whatever it holds.
        payload: JSON.stringify(event),
        parkedAt: this.#d.clock.now().toISOString(),
      };
      await this.#d.store.park(parked);
      let keys = this.#parked.get(handoverId);
      if (!keys) this.#parked.set(handoverId, (keys = new Set()));
      keys.add(parked.eventKey);
      this.#d.logger.error(
        {
          handoverId,
          eventType: parked.eventType,
          eventKey: event.type === 'message' ? parked.eventKey : undefined,
          code: parked.errorCode,
          attempts,
        },
        'a provider event could not be committed; parked',
      );
      this.#d.onParked?.(parked);
      await passed();
    }
  }
}

/** Parking is for a commit that fails on what it holds, not for a handover that is not ours. */
export function mayPark(err: unknown): boolean {
  if (err instanceof GatewayError)
    return !['LEASE_LOST', 'HANDOVER_NOT_FOUND', 'SHUTTING_DOWN'].includes(err.code);
  return !(err instanceof Error && err.name === 'AbortError');
}

/** One key per provider event: its message id, or what it says about whom. */
export function eventKey(event: ProviderEvent): string {
  if (event.type === 'message') return event.providerMessageId;
  const state = event.type === 'participant' ? event.state : event.at;
  return `${event.type}:${event.participant.id}:${state}`;
}

/** The error's code, and a store's own code beside it (an SQLSTATE, SQLITE_…): codes only, never texts. */
function storeErrorCode(err: unknown): string {
  const base = errorCode(err);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== base && /^[A-Za-z0-9_.]{1,40}$/.test(code)
    ? `${base}:${code}`
    : base;
}

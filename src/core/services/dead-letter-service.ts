// Dead letters: webhook events whose retry period ran out. Listed and put back into the outbox by
// the API (`/v1/dead-letters`) and by the `genesys-handover dead-letters` command, with the same rules.
import { GatewayError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeadLetter, EventLog, HandoverRepository, Page } from '../ports/store/index.ts';

/** Which endpoints the caller may act on (an API key's), or every one (`'*'`: the admin command). */
export interface Access {
  readonly endpoints: '*' | readonly string[];
}

const mayUse = (access: Access, endpointId: string): boolean =>
  access.endpoints === '*' || access.endpoints.includes(endpointId);

export interface DeadLetterServiceDeps {
  readonly events: Pick<EventLog, 'deadLetters' | 'replayDeadLetters' | 'get'>;
  readonly handovers: Pick<HandoverRepository, 'get'>;
  readonly clock: Clock;
  /** Told after a replay put events back (wakes the webhook dispatcher). */
  readonly onReplay?: () => void;
}

export class DeadLetterService {
  readonly #d: DeadLetterServiceDeps;

  constructor(deps: DeadLetterServiceDeps) {
    this.#d = deps;
  }

  /**
   * Oldest death first; only the caller's endpoints (and only `endpoint`, when named). The store
   * filters and pages (a keyset cursor), so a page is full whatever other keys' endpoints hold.
   */
  async list(
    access: Access,
    query: { limit: number; endpoint?: string; cursor?: string },
  ): Promise<Page<DeadLetter>> {
    if (query.endpoint !== undefined && !mayUse(access, query.endpoint)) throw new GatewayError('FORBIDDEN');
    const endpoints =
      query.endpoint !== undefined
        ? [query.endpoint]
        : access.endpoints === '*'
          ? undefined
          : access.endpoints;
    return this.#d.events.deadLetters({
      limit: query.limit,
      ...(endpoints ? { endpoints } : {}),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  }

  /**
   * Puts dead letters back into the outbox (delivered again, in order). One event, one handover's,
   * or — for a caller allowed on every endpoint — all of them.
   */
  async replay(access: Access, filter: { eventId?: string; handoverId?: string }): Promise<number> {
    if (filter.eventId !== undefined) {
      const event = await this.#d.events.get(filter.eventId);
      if (!event)
        throw new GatewayError('VALIDATION_FAILED', {
          details: [{ path: 'body.eventId', message: 'no such event' }],
        });
      if (!mayUse(access, event.endpointId)) throw new GatewayError('FORBIDDEN');
    } else if (filter.handoverId !== undefined) {
      const rec = await this.#d.handovers.get(filter.handoverId);
      if (!rec) throw new GatewayError('HANDOVER_NOT_FOUND');
      if (!mayUse(access, rec.handover.endpointId)) throw new GatewayError('FORBIDDEN');
    } else if (access.endpoints !== '*') {
      throw new GatewayError('FORBIDDEN', {
        message: 'Replaying every dead letter needs a key for all endpoints; name a handoverId or eventId.',
      });
    }
    const replayed = await this.#d.events.replayDeadLetters(filter, this.#d.clock.now().toISOString());
    if (replayed > 0) this.#d.onReplay?.();
    return replayed;
  }
}

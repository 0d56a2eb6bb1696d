// Availability of an endpoint before and while a customer waits (issue 17): business hours, agents
// on queue that fit the request, the queue's waiting count and estimated wait — each with the source
// it came from, so a bot (and a person reading its logs) knows how much to trust it.
import type { ProviderRef } from '../ports/provider.ts';
import type { EmergencyGroup, OpeningState, ScheduleGroup } from '../schedule/model.ts';

/** Where a figure came from. `unavailable`: no source is configured; `error`: the source failed. */
export type FactSource =
  | 'genesys-schedule-group'
  | 'endpoint-hours'
  | 'genesys-queue-members'
  | 'genesys-queue-observations'
  | 'genesys-estimated-wait-time'
  | 'not-configured'
  | 'unavailable'
  | 'error';

/** One member of the endpoint's queue as the contact center reports it. */
export interface QueueMemberFact {
  /** Genesys routing status: `IDLE`, `INTERACTING`, `COMMUNICATING`, `NOT_RESPONDING`, `OFF_QUEUE`. */
  readonly routingStatus: string;
  readonly skills: readonly string[];
  readonly languages: readonly string[];
}

/** What a contact center's Platform API says about an endpoint's queue and hours (one read). */
export interface AvailabilityFacts {
  readonly hours?: { readonly group: ScheduleGroup; readonly emergency?: EmergencyGroup | undefined };
  readonly members?: readonly QueueMemberFact[];
  readonly waiting?: number;
  readonly estimatedWaitSeconds?: number;
  /** Parts that failed, by name (`hours`, `members`, `waiting`, `estimatedWait`); never secrets. */
  readonly failures?: readonly string[];
}

/** Where one waiting conversation stands (OM doc §7.6). */
export interface WaitPosition {
  readonly estimatedWaitSeconds?: number;
  /** 1 = next; only when derivable from the queue's waiting details (§7.6 b). */
  readonly position?: number;
}

/** The Platform API of one endpoint's contact center (adapter: the Genesys platform reader). */
export interface AvailabilitySource {
  readFacts(signal: AbortSignal): Promise<AvailabilityFacts>;
  /**
   * Estimated wait and position of our waiting conversations (one queue read serves them all);
   * an entry is undefined when nothing is known for that conversation.
   */
  waitPositions(refs: readonly ProviderRef[], signal: AbortSignal): Promise<(WaitPosition | undefined)[]>;
}

export interface AvailabilityQuery {
  readonly language?: string | undefined;
  readonly skills?: readonly string[] | undefined;
}

export interface Figure<T> {
  readonly value: T | null;
  readonly source: FactSource;
}

export interface Availability {
  readonly endpointId: string;
  /** When the underlying facts were read (cached up to the endpoint's cache time). */
  readonly asOf: string;
  readonly open: Figure<boolean> & {
    readonly path?: OpeningState['path'];
    readonly decidedBy?: string;
    readonly timeZone?: string;
    readonly nextOpening?: string;
    readonly nextClosing?: string;
  };
  /** On-queue agents having the language and every skill, idle or interacting (with capacity [I]). */
  readonly agentsAvailable: Figure<number> & {
    readonly idle?: number;
    readonly interacting?: number;
    readonly onQueue?: number;
  };
  readonly waiting: Figure<number>;
  readonly estimatedWaitSeconds: Figure<number>;
}

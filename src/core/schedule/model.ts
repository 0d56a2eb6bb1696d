// Business hours as Genesys Architect models them (protocol §7.5), independent of where they come
// from: a Genesys schedule group read through the Platform API, or an endpoint's own hours in the
// gateway's configuration. Times are wall times in the group's time zone (see wall-time.ts).
import type { WallTime } from './wall-time.ts';

export interface Schedule {
  readonly id: string;
  readonly name: string;
  /** Genesys `state === 'active'`; other schedules are ignored (§7.5 [I]). */
  readonly active: boolean;
  /** DTSTART of the series (or the one interval's start), local. */
  readonly start: WallTime;
  /** End of the first occurrence, local; `end − start` is every occurrence's length. */
  readonly end: WallTime;
  /** An iCal RRULE without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`. */
  readonly rrule?: string | undefined;
}

export interface ScheduleGroup {
  readonly id: string;
  readonly name: string;
  /** IANA name, e.g. `Europe/Berlin`: the zone every schedule of the group is read in. */
  readonly timeZone: string;
  readonly open: readonly Schedule[];
  readonly closed: readonly Schedule[];
  readonly holidays: readonly Schedule[];
}

export interface EmergencyGroup {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  /** Genesys `enabled`: "an emergency is occurring". */
  readonly enabled: boolean;
}

/** The output path of Architect's *Evaluate Schedule Group*; `closed` also when nothing matched. */
export type SchedulePath = 'emergency' | 'holiday' | 'closed' | 'open';

export interface OpeningState {
  readonly open: boolean;
  readonly path: SchedulePath;
  /** The schedule (or emergency group) that decided; undefined when no schedule matched. */
  readonly decidedBy?: { readonly id: string; readonly name: string } | undefined;
  /** Next instant at which the state turns open; undefined when open now or none is known. */
  readonly nextOpening?: Date | undefined;
  /** Next instant at which the state turns closed; undefined when closed now or none is known. */
  readonly nextClosing?: Date | undefined;
}

/**
 * Expands recurrence rules (a port: the core stays free of packages; the adapter is
 * `src/time/rrule-recurrence.ts`, built on the `rrule` library).
 */
export interface Recurrence {
  /**
   * Starts of the occurrences of the series with DTSTART `start` and rule `rrule`, in
   * `[from, to]` (all wall times in `timeZone`, which a UTC `UNTIL` is converted to).
   * Throws for a rule it cannot read.
   */
  startsBetween(rrule: string, start: WallTime, from: WallTime, to: WallTime, timeZone: string): WallTime[];
}

// Architect schedules, schedule groups and emergency groups (OM doc §7.5) as data the emulator
// serves: configured at start (options / CLI file) and changed through the agent API. The emulator
// does not evaluate them — that is the client's job, as with Architect's *Evaluate Schedule Group*.
import { nameBasedId } from './ids.ts';
import { EMULATOR_DIVISION_ID } from './organization.ts';

type State = 'active' | 'inactive' | 'deleted';

export interface ScheduleConfig {
  readonly id?: string | undefined;
  readonly name: string;
  /** Local date-time without zone, e.g. `2026-01-05T08:00:00.000`. */
  readonly start: string;
  readonly end: string;
  /** iCal RRULE without the `RRULE:` prefix. */
  readonly rrule?: string | undefined;
  readonly state?: State | undefined;
  readonly description?: string | undefined;
}

export interface ScheduleGroupConfig {
  readonly id?: string | undefined;
  readonly name: string;
  /** IANA time zone name. */
  readonly timeZone: string;
  /** Schedules by name or id. */
  readonly openSchedules: readonly string[];
  readonly closedSchedules?: readonly string[] | undefined;
  readonly holidaySchedules?: readonly string[] | undefined;
  readonly state?: State | undefined;
}

export interface EmergencyGroupConfig {
  readonly id?: string | undefined;
  readonly name: string;
  /** "An emergency is occurring". */
  readonly enabled: boolean;
  readonly state?: State | undefined;
}

export interface BusinessHoursConfig {
  readonly schedules?: readonly ScheduleConfig[] | undefined;
  readonly scheduleGroups?: readonly ScheduleGroupConfig[] | undefined;
  readonly emergencyGroups?: readonly EmergencyGroupConfig[] | undefined;
}

interface Versioned<T> {
  readonly id: string;
  readonly config: T;
  readonly version: number;
  readonly dateModified: string;
}

const division = {
  id: EMULATOR_DIVISION_ID,
  name: 'Home',
  selfUri: `/api/v2/authorization/divisions/${EMULATOR_DIVISION_ID}`,
};

export class ArchitectStore {
  readonly #schedules = new Map<string, Versioned<ScheduleConfig>>();
  readonly #groups = new Map<string, Versioned<ScheduleGroupConfig>>();
  readonly #emergencies = new Map<string, Versioned<EmergencyGroupConfig>>();

  constructor(initial: BusinessHoursConfig = {}) {
    for (const s of initial.schedules ?? []) this.putSchedule(s);
    for (const g of initial.scheduleGroups ?? []) this.putScheduleGroup(g);
    for (const e of initial.emergencyGroups ?? []) this.putEmergencyGroup(e);
  }

  /** Creates or replaces (by id, else by name); references of groups are checked. */
  putSchedule(config: ScheduleConfig): Record<string, unknown> {
    const entry = put(this.#schedules, 'schedule', config);
    return this.scheduleView(entry.id) ?? {};
  }

  putScheduleGroup(config: ScheduleGroupConfig): Record<string, unknown> {
    for (const ref of [
      ...config.openSchedules,
      ...(config.closedSchedules ?? []),
      ...(config.holidaySchedules ?? []),
    ]) {
      if (!this.#find(this.#schedules, ref))
        throw new RangeError(`schedule group "${config.name}" names no schedule "${ref}"`);
    }
    const entry = put(this.#groups, 'schedulegroup', config);
    return this.scheduleGroupView(entry.id) ?? {};
  }

  putEmergencyGroup(config: EmergencyGroupConfig): Record<string, unknown> {
    const entry = put(this.#emergencies, 'emergencygroup', config);
    return this.emergencyGroupView(entry.id) ?? {};
  }

  schedules(): Record<string, unknown>[] {
    return sorted(this.#schedules).map((e) => this.scheduleView(e.id) ?? {});
  }
  scheduleGroups(): Record<string, unknown>[] {
    return sorted(this.#groups).map((e) => this.scheduleGroupView(e.id) ?? {});
  }
  emergencyGroups(): Record<string, unknown>[] {
    return sorted(this.#emergencies).map((e) => this.emergencyGroupView(e.id) ?? {});
  }

  /** `Schedule` (§7.5). */
  scheduleView(id: string): Record<string, unknown> | undefined {
    const e = this.#schedules.get(id);
    if (!e) return undefined;
    const c = e.config;
    return {
      ...common(e, 'schedules'),
      ...(c.description !== undefined ? { description: c.description } : {}),
      start: c.start,
      end: c.end,
      ...(c.rrule !== undefined ? { rrule: c.rrule } : {}),
    };
  }

  /** `ScheduleGroup` (§7.5): schedule refs are `{id, name, selfUri}`. */
  scheduleGroupView(id: string): Record<string, unknown> | undefined {
    const e = this.#groups.get(id);
    if (!e) return undefined;
    const refs = (names: readonly string[] = []) =>
      names
        .map((n) => this.#find(this.#schedules, n))
        .filter((s) => s !== undefined)
        .map((s) => ({ id: s.id, name: s.config.name, selfUri: `/api/v2/architect/schedules/${s.id}` }));
    return {
      ...common(e, 'schedulegroups'),
      timeZone: e.config.timeZone,
      openSchedules: refs(e.config.openSchedules),
      closedSchedules: refs(e.config.closedSchedules),
      holidaySchedules: refs(e.config.holidaySchedules),
    };
  }

  /** `EmergencyGroup` (§7.5). */
  emergencyGroupView(id: string): Record<string, unknown> | undefined {
    const e = this.#emergencies.get(id);
    if (!e) return undefined;
    return { ...common(e, 'emergencygroups'), enabled: e.config.enabled, emergencyCallFlows: [] };
  }

  /** Ids of the schedule groups that use any of `scheduleIds` (the `scheduleIds` filter). */
  groupUsesAny(groupId: string, scheduleIds: readonly string[]): boolean {
    const view = this.scheduleGroupView(groupId);
    if (!view) return false;
    const used = ['openSchedules', 'closedSchedules', 'holidaySchedules'].flatMap((k) =>
      (view[k] as { id: string }[]).map((r) => r.id),
    );
    return scheduleIds.some((id) => used.includes(id));
  }

  #find<T extends { name: string }>(map: Map<string, Versioned<T>>, ref: string): Versioned<T> | undefined {
    return map.get(ref) ?? [...map.values()].find((e) => e.config.name === ref);
  }
}

function put<T extends { id?: string | undefined; name: string }>(
  map: Map<string, Versioned<T>>,
  kind: string,
  config: T,
): Versioned<T> {
  const existing =
    config.id !== undefined
      ? map.get(config.id)
      : [...map.values()].find((e) => e.config.name === config.name);
  const id = existing?.id ?? config.id ?? nameBasedId(kind, config.name);
  const entry = { id, config, version: (existing?.version ?? 0) + 1, dateModified: new Date().toISOString() };
  map.set(id, entry);
  return entry;
}

function sorted<T extends { name: string }>(map: Map<string, Versioned<T>>): Versioned<T>[] {
  return [...map.values()].sort((a, b) => a.config.name.localeCompare(b.config.name));
}

function common(
  e: Versioned<{ name: string; state?: State | undefined }>,
  path: string,
): Record<string, unknown> {
  return {
    id: e.id,
    name: e.config.name,
    division,
    version: e.version,
    state: e.config.state ?? 'active',
    dateModified: e.dateModified,
    selfUri: `/api/v2/architect/${path}/${e.id}`,
  };
}

// An endpoint's own opening hours (configuration, already validated) as a schedule group, so the
// same Architect-order evaluation serves endpoints without Genesys schedules.
import type { Schedule, ScheduleGroup } from './model.ts';
import { parseLocalDateTime } from './wall-time.ts';

interface OwnSchedule {
  readonly name?: string | undefined;
  readonly start: string;
  readonly end: string;
  readonly rrule?: string | undefined;
}

export interface OwnHours {
  readonly timeZone: string;
  readonly open: readonly OwnSchedule[];
  readonly closed: readonly OwnSchedule[];
  readonly holidays: readonly OwnSchedule[];
}

export function scheduleGroupFromHours(endpointId: string, hours: OwnHours): ScheduleGroup {
  const schedules = (kind: string, list: readonly OwnSchedule[]): Schedule[] =>
    list.map((s, i) => ({
      id: `${kind}-${i}`,
      name: s.name ?? `${kind} ${i + 1}`,
      active: true,
      // The configuration schema checked the format; NaN never happens for validated input.
      start: parseLocalDateTime(s.start) ?? Number.NaN,
      end: parseLocalDateTime(s.end) ?? Number.NaN,
      rrule: s.rrule,
    }));
  return {
    id: `${endpointId}-hours`,
    name: `${endpointId} opening hours`,
    timeZone: hours.timeZone,
    open: schedules('open', hours.open),
    closed: schedules('closed', hours.closed),
    holidays: schedules('holiday', hours.holidays),
  };
}

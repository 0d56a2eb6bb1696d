// Architect's *Evaluate Schedule Group*, as protocol §7.5 describes it: Emergency → Holiday →
// Closed → Open, and Closed when no schedule covers the moment. Pure: the moment is passed in, the
// rule expansion comes through the Recurrence port. Also answers when the state changes next, by
// walking the boundaries of every occurrence near the moment.
import type {
  EmergencyGroup,
  OpeningState,
  Recurrence,
  Schedule,
  ScheduleGroup,
  SchedulePath,
} from './model.ts';
import { ZonedClock, type WallTime } from './wall-time.ts';

const DAY = 86_400_000;
/** How far ahead the next opening/closing is searched: a first look, then up to a year and a bit. */
const HORIZONS_DAYS = [8, 400] as const;

interface Interval {
  readonly from: WallTime;
  readonly to: WallTime;
  readonly schedule: Schedule;
}

export interface EvaluateOptions {
  readonly group: ScheduleGroup;
  readonly emergency?: EmergencyGroup | undefined;
  readonly recurrence: Recurrence;
}

export function evaluateSchedule(now: Date, options: EvaluateOptions): OpeningState {
  const { group, emergency, recurrence } = options;
  if (emergency?.active && emergency.enabled) {
    // An emergency has no end time: whoever enables it disables it (§7.5 `enabled`).
    return { open: false, path: 'emergency', decidedBy: { id: emergency.id, name: emergency.name } };
  }
  const clock = new ZonedClock(group.timeZone);
  const nowWall = clock.toWall(now.getTime());
  let state: OpeningState | undefined;
  for (const days of HORIZONS_DAYS) {
    const timeline = new Timeline(group, recurrence, nowWall, nowWall + days * DAY);
    const current = timeline.at(nowWall);
    const changes = timeline.nextChanges(nowWall, current.path === 'open');
    state = {
      open: current.path === 'open',
      path: current.path,
      decidedBy: current.schedule && { id: current.schedule.id, name: current.schedule.name },
      nextOpening: changes.opening === undefined ? undefined : new Date(clock.fromWall(changes.opening)),
      nextClosing: changes.closing === undefined ? undefined : new Date(clock.fromWall(changes.closing)),
    };
    if (state.open ? state.nextClosing : state.nextOpening) break;
  }
  return state as OpeningState;
}

/** The occurrences of a group's active schedules that touch a window of wall time. */
class Timeline {
  private readonly holidays: Interval[];
  private readonly closed: Interval[];
  private readonly open: Interval[];

  private readonly end: WallTime;

  constructor(group: ScheduleGroup, recurrence: Recurrence, from: WallTime, to: WallTime) {
    this.end = to;
    const expand = (schedules: readonly Schedule[]): Interval[] =>
      schedules.flatMap((s) => occurrences(s, recurrence, group.timeZone, from, to));
    this.holidays = expand(group.holidays);
    this.closed = expand(group.closed);
    this.open = expand(group.open);
  }

  at(t: WallTime): { path: SchedulePath; schedule?: Schedule } {
    const hit = (list: Interval[]): Interval | undefined => list.find((i) => i.from <= t && t < i.to);
    const holiday = hit(this.holidays);
    if (holiday) return { path: 'holiday', schedule: holiday.schedule };
    const closed = hit(this.closed);
    if (closed) return { path: 'closed', schedule: closed.schedule };
    const open = hit(this.open);
    if (open) return { path: 'open', schedule: open.schedule };
    return { path: 'closed' };
  }

  /** The first boundaries after `t` at which the group opens and closes. */
  nextChanges(t: WallTime, openNow: boolean): { opening?: WallTime; closing?: WallTime } {
    const boundaries = [
      ...new Set([...this.holidays, ...this.closed, ...this.open].flatMap((i) => [i.from, i.to])),
    ]
      .filter((b) => b > t && b <= this.end)
      .sort((a, b) => a - b);
    const result: { opening?: WallTime; closing?: WallTime } = {};
    let open = openNow;
    for (const b of boundaries) {
      const openThen = this.at(b).path === 'open';
      if (openThen === open) continue;
      open = openThen;
      if (open) result.opening ??= b;
      else result.closing ??= b;
      if (result.opening !== undefined && result.closing !== undefined) break;
    }
    return result;
  }
}

function occurrences(
  schedule: Schedule,
  recurrence: Recurrence,
  timeZone: string,
  from: WallTime,
  to: WallTime,
): Interval[] {
  const length = schedule.end - schedule.start;
  if (!schedule.active || length <= 0) return [];
  if (!schedule.rrule) {
    return schedule.end > from && schedule.start <= to
      ? [{ from: schedule.start, to: schedule.end, schedule }]
      : [];
  }
  // An occurrence that started up to one length before `from` still covers it.
  return recurrence
    .startsBetween(schedule.rrule, schedule.start, from - length, to, timeZone)
    .map((start) => ({ from: start, to: start + length, schedule }));
}

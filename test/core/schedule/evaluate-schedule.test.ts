// Architect's schedule-group evaluation (protocol §7.5) against a table of moments: weekly rules,
// holidays, closed overrides, DST changes in Europe/Berlin and America/New_York (including opening
// times inside the skipped and the repeated hour), UNTIL/COUNT, inactive schedules, emergencies.
// Expected instants are written in UTC, worked out by hand from the zones' offsets.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateSchedule } from '../../../src/core/schedule/evaluate-schedule.ts';
import type { EmergencyGroup, Schedule, ScheduleGroup } from '../../../src/core/schedule/model.ts';
import { parseLocalDateTime } from '../../../src/core/schedule/wall-time.ts';
import { recurrenceRuleProblem } from '../../../src/config/hours-schema.ts';
import { RRuleRecurrence } from '../../../src/time/rrule-recurrence.ts';

const recurrence = new RRuleRecurrence();

function schedule(id: string, start: string, end: string, rrule?: string, active = true): Schedule {
  return { id, name: id, active, start: parseLocalDateTime(start)!, end: parseLocalDateTime(end)!, rrule };
}

// Monday 2026-01-05 is the first occurrence of the weekday series.
const weekdays = (rule = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', active = true): Schedule =>
  schedule('weekdays', '2026-01-05T08:00:00.000', '2026-01-05T17:00:00.000', rule, active);
const christmas = (active = true): Schedule =>
  schedule('christmas', '2020-12-25T00:00:00.000', '2020-12-26T00:00:00.000', 'FREQ=YEARLY', active);
const lunchOnFirstJuly = schedule('lunch', '2026-07-01T12:00:00.000', '2026-07-01T13:00:00.000');

function group(
  timeZone: string,
  parts: Partial<Pick<ScheduleGroup, 'open' | 'closed' | 'holidays'>>,
): ScheduleGroup {
  return { id: 'g1', name: 'Support hours', timeZone, open: [], closed: [], holidays: [], ...parts };
}
const berlin = (parts: Partial<ScheduleGroup> = {}): ScheduleGroup =>
  group('Europe/Berlin', {
    open: [weekdays()],
    holidays: [christmas()],
    closed: [lunchOnFirstJuly],
    ...parts,
  });
const newYork = (open: Schedule[]): ScheduleGroup => group('America/New_York', { open });

const emergency = (enabled: boolean, active = true): EmergencyGroup => ({
  id: 'e1',
  name: 'Fire',
  enabled,
  active,
});

interface Case {
  name: string;
  group: ScheduleGroup;
  emergency?: EmergencyGroup;
  at: string;
  path: string;
  decidedBy?: string | undefined;
  nextOpening?: string | undefined;
  nextClosing?: string | undefined;
}

const cases: Case[] = [
  // Weekly rule in summer (UTC+2).
  {
    name: 'weekday morning is open',
    group: berlin(),
    at: '2026-07-02T08:00:00Z',
    path: 'open',
    decidedBy: 'weekdays',
    nextClosing: '2026-07-02T15:00:00Z',
    nextOpening: '2026-07-03T06:00:00Z',
  },
  {
    name: 'weekday evening is closed (no schedule: default closed)',
    group: berlin(),
    at: '2026-07-02T16:30:00Z',
    path: 'closed',
    decidedBy: undefined,
    nextOpening: '2026-07-03T06:00:00Z',
    nextClosing: '2026-07-03T15:00:00Z',
  },
  {
    name: 'Saturday opens on Monday',
    group: berlin(),
    at: '2026-07-04T10:00:00Z',
    path: 'closed',
    nextOpening: '2026-07-06T06:00:00Z',
    nextClosing: '2026-07-06T15:00:00Z',
  },
  // Closed override inside opening hours.
  {
    name: 'closed override wins over open',
    group: berlin(),
    at: '2026-07-01T10:30:00Z',
    path: 'closed',
    decidedBy: 'lunch',
    nextOpening: '2026-07-01T11:00:00Z',
    nextClosing: '2026-07-01T15:00:00Z',
  },
  {
    name: 'before the closed override the next closing is the override',
    group: berlin(),
    at: '2026-07-01T09:00:00Z',
    path: 'open',
    decidedBy: 'weekdays',
    nextClosing: '2026-07-01T10:00:00Z',
    nextOpening: '2026-07-01T11:00:00Z',
  },
  // Holiday (yearly) on a Friday; reopens Monday 28 December (winter, UTC+1).
  {
    name: 'holiday wins over open',
    group: berlin(),
    at: '2026-12-25T10:00:00Z',
    path: 'holiday',
    decidedBy: 'christmas',
    nextOpening: '2026-12-28T07:00:00Z',
    nextClosing: '2026-12-28T16:00:00Z',
  },
  {
    name: 'holiday wins over a closed override the same day',
    group: berlin({
      closed: [schedule('xmas-closed', '2026-12-25T00:00:00.000', '2026-12-25T23:00:00.000')],
    }),
    at: '2026-12-25T10:00:00Z',
    path: 'holiday',
    decidedBy: 'christmas',
    nextOpening: '2026-12-28T07:00:00Z',
  },
  {
    name: 'an inactive holiday is ignored',
    group: berlin({ holidays: [christmas(false)] }),
    at: '2026-12-25T10:00:00Z',
    path: 'open',
    decidedBy: 'weekdays',
    nextClosing: '2026-12-25T16:00:00Z',
  },
  {
    name: 'an inactive open schedule opens nothing',
    group: berlin({ open: [weekdays(undefined, false)] }),
    at: '2026-07-02T08:00:00Z',
    path: 'closed',
    nextOpening: undefined,
    nextClosing: undefined,
  },
  // DST in Europe/Berlin: clocks go forward on Sunday 2026-03-29 (UTC+1 → UTC+2).
  {
    name: 'Berlin: Friday before the change opens at 07:00Z',
    group: berlin(),
    at: '2026-03-27T06:30:00Z',
    path: 'closed',
    nextOpening: '2026-03-27T07:00:00Z',
  },
  {
    name: 'Berlin: over the change weekend Monday opens at 06:00Z',
    group: berlin(),
    at: '2026-03-28T12:00:00Z',
    path: 'closed',
    nextOpening: '2026-03-30T06:00:00Z',
    nextClosing: '2026-03-30T15:00:00Z',
  },
  {
    name: 'Berlin: fall back (2026-10-25) Monday opens at 07:00Z',
    group: berlin(),
    at: '2026-10-24T12:00:00Z',
    path: 'closed',
    nextOpening: '2026-10-26T07:00:00Z',
  },
  // DST in America/New_York: forward on 2026-03-08 (UTC−5 → UTC−4), back on 2026-11-01.
  {
    name: 'New York: Friday before the change closes at 22:00Z',
    group: newYork([
      schedule(
        'ny',
        '2026-01-05T09:00:00.000',
        '2026-01-05T17:00:00.000',
        'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      ),
    ]),
    at: '2026-03-06T15:00:00Z',
    path: 'open',
    nextClosing: '2026-03-06T22:00:00Z',
    nextOpening: '2026-03-09T13:00:00Z',
  },
  {
    name: 'New York: after fall back Monday opens at 14:00Z',
    group: newYork([
      schedule(
        'ny',
        '2026-01-05T09:00:00.000',
        '2026-01-05T17:00:00.000',
        'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      ),
    ]),
    at: '2026-10-31T12:00:00Z',
    path: 'closed',
    nextOpening: '2026-11-02T14:00:00Z',
  },
  {
    name: 'New York: a night shift 01:00–04:00 is two real hours on the spring-forward night',
    group: newYork([schedule('night', '2026-01-01T01:00:00.000', '2026-01-01T04:00:00.000', 'FREQ=DAILY')]),
    at: '2026-03-08T06:30:00Z',
    path: 'open',
    nextClosing: '2026-03-08T08:00:00Z',
    nextOpening: '2026-03-09T05:00:00Z',
  },
  {
    name: 'New York: an opening at 02:30, inside the skipped hour, happens when clocks jump to 03:00',
    group: newYork([schedule('late', '2026-01-01T02:30:00.000', '2026-01-01T05:00:00.000', 'FREQ=DAILY')]),
    at: '2026-03-08T06:00:00Z',
    path: 'closed',
    nextOpening: '2026-03-08T07:00:00Z',
    nextClosing: '2026-03-08T09:00:00Z',
  },
  {
    name: 'New York: an opening at 01:30, in the repeated hour, is the first 01:30',
    group: newYork([schedule('early', '2026-01-01T01:30:00.000', '2026-01-01T03:00:00.000', 'FREQ=DAILY')]),
    at: '2026-11-01T04:00:00Z',
    path: 'closed',
    nextOpening: '2026-11-01T05:30:00Z',
    nextClosing: '2026-11-01T08:00:00Z',
  },
  // Series ends.
  {
    name: 'UNTIL (UTC) ends the series: open on its last day',
    group: berlin({ open: [weekdays('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260630T215959Z')] }),
    at: '2026-06-30T08:00:00Z',
    path: 'open',
    nextClosing: '2026-06-30T15:00:00Z',
    nextOpening: undefined,
  },
  {
    name: 'UNTIL (UTC) ends the series: closed for good after it',
    group: berlin({ open: [weekdays('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260630T215959Z')] }),
    at: '2026-07-02T08:00:00Z',
    path: 'closed',
    nextOpening: undefined,
  },
  {
    name: 'UNTIL as a local date-time',
    group: berlin({ open: [weekdays('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20260701T080000')] }),
    at: '2026-06-30T16:00:00Z',
    path: 'closed',
    nextOpening: '2026-07-01T06:00:00Z',
    nextClosing: '2026-07-01T10:00:00Z',
  },
  {
    name: 'COUNT=3 gives Monday to Wednesday of the first week',
    group: berlin({ open: [weekdays('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=3')] }),
    at: '2026-01-06T10:00:00Z',
    path: 'open',
    nextClosing: '2026-01-06T16:00:00Z',
    nextOpening: '2026-01-07T07:00:00Z',
  },
  {
    name: 'COUNT=3: the Thursday is closed and nothing opens again',
    group: berlin({ open: [weekdays('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=3')] }),
    at: '2026-01-08T10:00:00Z',
    path: 'closed',
    nextOpening: undefined,
  },
  // A single interval (no rrule).
  {
    name: 'a one-off open schedule',
    group: group('Asia/Singapore', {
      open: [schedule('event', '2026-05-01T09:00:00.000', '2026-05-03T18:00:00.000')],
    }),
    at: '2026-05-02T12:00:00Z',
    path: 'open',
    nextClosing: '2026-05-03T10:00:00Z',
  },
  // Emergencies.
  {
    name: 'an enabled emergency group closes everything',
    group: berlin(),
    emergency: emergency(true),
    at: '2026-07-02T08:00:00Z',
    path: 'emergency',
    decidedBy: 'e1',
    nextOpening: undefined,
    nextClosing: undefined,
  },
  {
    name: 'a disabled emergency group changes nothing',
    group: berlin(),
    emergency: emergency(false),
    at: '2026-07-02T08:00:00Z',
    path: 'open',
    decidedBy: 'weekdays',
  },
  {
    name: 'an enabled but inactive emergency group changes nothing',
    group: berlin(),
    emergency: emergency(true, false),
    at: '2026-07-02T08:00:00Z',
    path: 'open',
    decidedBy: 'weekdays',
  },
];

describe('evaluateSchedule (Emergency → Holiday → Closed → Open)', () => {
  for (const c of cases) {
    test(c.name, () => {
      const state = evaluateSchedule(new Date(c.at), { group: c.group, emergency: c.emergency, recurrence });
      assert.equal(state.path, c.path);
      assert.equal(state.open, c.path === 'open');
      if ('decidedBy' in c) assert.equal(state.decidedBy?.id, c.decidedBy);
      if ('nextOpening' in c)
        assert.equal(
          state.nextOpening?.toISOString(),
          c.nextOpening && new Date(c.nextOpening).toISOString(),
        );
      if ('nextClosing' in c)
        assert.equal(
          state.nextClosing?.toISOString(),
          c.nextClosing && new Date(c.nextClosing).toISOString(),
        );
    });
  }
});

describe('recurrence rules and local date-times at the edge', () => {
  test('readable rules pass, broken ones are named', () => {
    assert.equal(recurrenceRuleProblem('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'), undefined);
    assert.equal(recurrenceRuleProblem('RRULE:FREQ=DAILY;INTERVAL=1'), undefined);
    assert.match(recurrenceRuleProblem('BYDAY=MO') ?? '', /FREQ/);
    assert.match(recurrenceRuleProblem('FREQ=WEEKLY;BYDAY=XX') ?? '', /BYDAY/);
    assert.match(recurrenceRuleProblem('FREQ=DAILY;COUNT=abc') ?? '', /COUNT/);
    assert.ok(recurrenceRuleProblem('garbage'));
  });
  test('Genesys and Terraform date-time forms are read; impossible dates are not', () => {
    assert.equal(parseLocalDateTime('2021-08-04T08:00:00.000'), Date.UTC(2021, 7, 4, 8));
    assert.equal(parseLocalDateTime('2021-08-04T08:00:00.000000'), Date.UTC(2021, 7, 4, 8));
    assert.equal(parseLocalDateTime('2021-08-04T08:00'), Date.UTC(2021, 7, 4, 8));
    assert.equal(parseLocalDateTime('2026-02-30T08:00:00'), undefined);
    assert.equal(parseLocalDateTime('2026-02-03T08:00:00Z'), undefined);
    assert.equal(parseLocalDateTime('2026-02-03T25:00:00'), undefined);
  });
});

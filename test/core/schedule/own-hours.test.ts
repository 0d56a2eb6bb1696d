// An endpoint's own opening hours: validated by the configuration schema, evaluated like a Genesys
// schedule group.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/config/load.ts';
import { evaluateSchedule } from '../../../src/core/schedule/evaluate-schedule.ts';
import { scheduleGroupFromHours } from '../../../src/core/schedule/own-hours.ts';
import { RRuleRecurrence } from '../../../src/time/rrule-recurrence.ts';

function config(hours: unknown): unknown {
  return {
    apiKeys: [{ name: 'bot', key: 'ghk_8uZULKg86Iz2iqP7JrIbBVZxJRzch4mvKiJMeIpfQu4', endpoints: ['*'] }],
    endpoints: [
      {
        id: 'support',
        provider: 'genesys-guest-chat',
        genesys: { environment: 'mypurecloud.de', organizationId: 'org', deploymentId: 'dep' },
        queue: 'Support',
        availability: { hours },
      },
    ],
  };
}

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  return [];
}

describe("an endpoint's own opening hours", () => {
  test('configured hours are evaluated in their time zone', () => {
    const cfg = parseConfig(
      config({
        timeZone: 'America/New_York',
        open: [
          { start: '2026-01-05T09:00', end: '2026-01-05T17:00', rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
        ],
        holidays: [{ name: 'Independence Day', start: '2026-07-03T00:00', end: '2026-07-04T00:00' }],
      }),
      {},
    );
    const hours = cfg.endpoints[0]?.availability?.hours;
    assert.ok(hours);
    const group = scheduleGroupFromHours('support', hours);
    const recurrence = new RRuleRecurrence();
    const thursday = evaluateSchedule(new Date('2026-07-02T14:00:00Z'), { group, recurrence });
    assert.equal(thursday.path, 'open');
    assert.equal(thursday.nextClosing?.toISOString(), '2026-07-02T21:00:00.000Z');
    const friday = evaluateSchedule(new Date('2026-07-03T14:00:00Z'), { group, recurrence });
    assert.equal(friday.path, 'holiday');
    assert.equal(friday.decidedBy?.name, 'Independence Day');
    assert.equal(friday.nextOpening?.toISOString(), '2026-07-06T13:00:00.000Z');
  });

  test('a bad time zone, date-time, rule or interval is reported at start-up', () => {
    const found = problems(
      config({
        timeZone: 'Mars/Olympus',
        open: [
          { start: '2026-01-05 09:00', end: '2026-01-05T17:00' },
          { start: '2026-01-05T09:00', end: '2026-01-05T17:00', rrule: 'BYDAY=MO' },
          { start: '2026-01-05T17:00', end: '2026-01-05T09:00' },
        ],
      }),
    ).join('\n');
    assert.match(found, /timeZone.*IANA/);
    assert.match(found, /open\.0\.start.*local date-time/);
    assert.match(found, /open\.1\.rrule.*FREQ/);
    assert.match(found, /open\.2.*end must be after start/);
  });
});

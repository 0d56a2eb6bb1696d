// An endpoint's own opening hours, for contact centers without Genesys schedules: the same shape as
// a Genesys schedule group (Open Messaging protocol §7.5) so one evaluation serves both — a time
// zone, open schedules, closed overrides and holidays, each a local start/end and an optional RRULE.
import rrule from 'rrule';
import { z } from 'zod';

const { RRule } = rrule;

/** Why `rule` is not an RRULE the gateway can expand, or undefined when it is. */
export function recurrenceRuleProblem(rule: string): string | undefined {
  try {
    const options = RRule.parseString(rule.replace(/^RRULE:/i, '').trim());
    if (options.freq === undefined) return 'the rule has no FREQ';
    const days = [options.byweekday ?? []].flat() as unknown[];
    if (days.some((d) => d === undefined)) return 'BYDAY names an unknown day';
    for (const key of ['count', 'interval'] as const) {
      const value = options[key];
      if (value !== undefined && value !== null && !(Number.isInteger(value) && value > 0)) {
        return `${key.toUpperCase()} is not a positive whole number`;
      }
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : 'the rule cannot be read';
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `2026-01-05T08:00`, seconds and fraction optional, no zone: local to the hours' time zone. */
const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/, 'a local date-time like 2026-01-05T08:00');

const scheduleEntry = z
  .object({
    name: z.string().min(1).max(200).optional().describe('A name for people.'),
    start: localDateTime.describe('Local start, e.g. 2026-01-05T08:00.'),
    end: localDateTime.describe('Local end (after start).'),
    rrule: z
      .string()
      .min(1)
      .max(500)
      .superRefine((rule, ctx) => {
        const problem = recurrenceRuleProblem(rule);
        if (problem) ctx.addIssue({ code: 'custom', message: `not a readable RRULE: ${problem}` });
      })
      .optional()
      .describe('e.g. `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR` — every occurrence lasts `end − start`.'),
  })
  .strict()
  .refine((s) => s.end > s.start, { error: 'end must be after start' });

export const openingHoursSchema = z
  .object({
    timeZone: z
      .string()
      .refine(isTimeZone, { error: 'an IANA time zone such as Europe/Berlin' })
      .describe('IANA time zone, e.g. `Europe/Berlin`; DST is applied.'),
    open: z.array(scheduleEntry).min(1).max(100).describe('When the endpoint is open.'),
    closed: z.array(scheduleEntry).max(100).default([]).describe('Closed overrides (win over open).'),
    holidays: z.array(scheduleEntry).max(500).default([]).describe('Holidays (win over closed and open).'),
  })
  .strict()
  .describe("The endpoint's own opening hours (for contact centers without Genesys schedules).");

// Schedules, schedule groups and emergency groups as the emulator accepts them (agent API bodies and
// the CLI's --business-hours file): Genesys' fields (OM doc §7.5), schedules referenced by name or id.
import { z } from 'zod';

const localDateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/,
    'a local date-time like 2026-01-05T08:00:00.000',
  );
const state = z.enum(['active', 'inactive', 'deleted']).optional();
export const scheduleSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  name: z.string().min(1).max(200),
  start: localDateTime,
  end: localDateTime,
  rrule: z.string().min(1).max(500).optional(),
  state,
  description: z.string().max(500).optional(),
});
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Berlin');
export const scheduleGroupSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  name: z.string().min(1).max(200),
  timeZone,
  openSchedules: z.array(z.string().min(1)).min(1),
  closedSchedules: z.array(z.string().min(1)).optional(),
  holidaySchedules: z.array(z.string().min(1)).optional(),
  state,
});
export const emergencyGroupSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  name: z.string().min(1).max(200),
  enabled: z.boolean(),
  state,
});

/** The --business-hours file: `{schedules?, scheduleGroups?, emergencyGroups?}`. */
export const businessHoursSchema = z.strictObject({
  schedules: z.array(scheduleSchema).optional(),
  scheduleGroups: z.array(scheduleGroupSchema).optional(),
  emergencyGroups: z.array(emergencyGroupSchema).optional(),
});

// The Recurrence port on the `rrule` library (iCal RFC 5545 recurrence rules). Series are expanded
// in "floating" wall time — rrule's own convention when no `tzid` is given — so the library never
// sees a time zone and DST cannot shift an occurrence; the core maps wall times to instants.
// A `UNTIL` in UTC (`…Z`, what RFC 5545 requires when DTSTART has a zone) is converted to the
// group's wall time first; a `UNTIL` without `Z` is already local.
import rrule from 'rrule';
import type { Recurrence } from '../core/schedule/model.ts';
import { ZonedClock, type WallTime } from '../core/schedule/wall-time.ts';

const { RRule } = rrule;

export class RRuleRecurrence implements Recurrence {
  startsBetween(rule: string, start: WallTime, from: WallTime, to: WallTime, timeZone: string): WallTime[] {
    const text = rule.replace(/^RRULE:/i, '').trim();
    const options = RRule.parseString(text);
    if (options.freq === undefined) throw new RangeError('the rule has no FREQ');
    if (options.until && /UNTIL=\d{8}T\d{6}Z/i.test(text)) {
      options.until = new Date(new ZonedClock(timeZone).toWall(options.until.getTime()));
    }
    const series = new RRule({ ...options, dtstart: new Date(start), tzid: null });
    return series.between(new Date(from), new Date(to), true).map((d) => d.getTime());
  }
}

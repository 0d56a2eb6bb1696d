// Wall-clock time in a named time zone, computed with `Intl` (no package, no I/O).
// A *wall time* is a local date-time without zone ("2026-03-29T08:00 in Europe/Berlin") encoded as
// the milliseconds its fields would have in UTC — the "floating" convention of iCal and of the
// `rrule` library. Schedules are defined in wall time (protocol §7.5: `start`/`end` are local
// date-times without zone, the group's `timeZone` gives their meaning), so comparing in wall time
// makes "open 08:00–17:00" mean 08:00–17:00 on both sides of a DST change.

/** Local date-time fields encoded as UTC milliseconds (see the file comment). */
export type WallTime = number;

const HOUR = 3_600_000;

export class ZonedClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;

  /** Throws a RangeError for a name that is not an IANA time zone (validate at the edge). */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The wall time shown in this zone at `instant`. */
  toWall(instant: number): WallTime {
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') fields[part.type] = Number(part.value);
    }
    const ms = ((instant % 1000) + 1000) % 1000;
    return Date.UTC(
      fields.year ?? 1970,
      (fields.month ?? 1) - 1,
      fields.day ?? 1,
      fields.hour ?? 0,
      fields.minute ?? 0,
      fields.second ?? 0,
      ms,
    );
  }

  /**
   * The instant at which this zone's clocks first show `wall` or later.
   * - Ambiguous wall times (the repeated hour when DST ends) give the earlier instant.
   * - Wall times that do not exist (the skipped hour when DST starts) give the instant of the jump:
   *   a shop that opens at 02:30 on that night opens when the clocks jump to 03:00.
   */
  fromWall(wall: WallTime): number {
    // The zone's offsets a day and a half either side: a real zone changes offset at most once in
    // such a span, so the true instant is `wall` minus one of the two.
    const before = wall - this.offsetAt(wall - 36 * HOUR);
    const after = wall - this.offsetAt(wall + 36 * HOUR);
    const hits = [before, after].filter((t) => this.toWall(t) === wall);
    if (hits.length) return Math.min(...hits);
    // A gap: the first instant whose wall time is at or after `wall` (binary search, ms precision).
    let lo = Math.min(before, after) - HOUR;
    let hi = Math.max(before, after) + HOUR;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.toWall(mid) >= wall) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  /** Milliseconds this zone's clocks are ahead of UTC at `instant`. */
  private offsetAt(instant: number): number {
    return this.toWall(instant) - instant;
  }
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/**
 * Parses a local date-time without zone, e.g. Genesys' `2021-08-04T08:00:00.000` or Terraform's
 * `2021-08-04T08:00:00.000000` (protocol §7.5). Returns undefined for anything else.
 */
export function parseLocalDateTime(text: string): WallTime | undefined {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const wall = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    Number((frac ?? '0').slice(0, 3).padEnd(3, '0')),
  );
  // Date.UTC rolls 2026-02-30 over to March: reject such dates instead.
  const back = new Date(wall);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  return wall;
}

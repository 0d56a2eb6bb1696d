// The real adapter of the IdGenerator port: UUIDv7 (RFC 9562 §5.7) — a millisecond timestamp, then
// random bits; ids made in the same millisecond count up, so they stay in order. Why not v4: every
// id is a primary key (handovers, events, outbox, transcript), and a random key puts each insert on
// a random leaf page of an index that grows with the history — a batch of 30 messages touches ~90
// pages spread over the file, which the page cache stops holding once the history is large. Keys in
// time order land on the right edge: measured with 200,000 rows of history, SQLite spent 31 µs of
// CPU per message's inserts with v7 against 69 µs with v4 (bench/README.md, "Where the CPU goes").
// A v7 id shows when it was made (to the millisecond) — no more than the record's own timestamps,
// which the API returns beside it.
import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';
import type { IdGenerator } from '../core/ports/clock.ts';

/**
 * Random bytes drawn 4 KiB at a time. `uuid`'s v7 asks `crypto.getRandomValues` for 16 bytes per id:
 * ~1.7 µs an id against ~0.1 µs from a pool, and a message makes several ids (1.6 % of the
 * gateway's CPU at full load, issue 12). The bytes are still the operating system's CSPRNG's.
 */
const pool = Buffer.allocUnsafeSlow(4096);
let used = pool.length;

function random16(): Buffer {
  if (used > pool.length - 16) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + 16);
  used += 16;
  return bytes;
}

/**
 * Passing the random bytes bypasses `uuid`'s own millisecond-and-counter state, so it is kept here,
 * the same way (its v7.js `updateV7State`): a new millisecond starts the counter at random bits; the
 * same one — or a clock that went back — counts up from the last id, so ids never go backwards.
 */
let lastMs = Number.NEGATIVE_INFINITY;
let seq = 0;

/** The next id; `nowMs` is for tests (a clock that stands still or goes back). */
export function nextTimeOrderedId(nowMs: number = Date.now()): string {
  const random = random16();
  if (nowMs > lastMs) {
    lastMs = nowMs;
    seq = random.readUInt32BE(6) & 0x7fffffff; // uuid's v7Sequence: bytes 6–9, top bit clear
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1; // the counter ran over (2^32 ids in one millisecond): borrow the next
  }
  return v7({ random, msecs: lastMs, seq });
}

export const timeOrderedIds: IdGenerator = { next: () => nextTimeOrderedId() };

// The disk's share of a durable relay's latency: how long one SQLite commit takes on this machine's
// disk with the store's settings (WAL, synchronous=FULL — an fsync per commit), measured in the same
// run as the latency part. A relay that persists a message before delivering it pays at least one
// such commit per message, so a p99 overhead over the raw relay (which persists nothing) below the
// disk's own p99 commit time is out of reach for any durable relay on this disk.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './arrivals.ts';
import { round } from './relay.ts';

export interface DiskCommits {
  readonly commits: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** `commits` one-row transactions (a message-sized row each), timed one by one, in ms. */
export function measureDiskCommits(commits = 1_000): DiskCommits {
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-disk-'));
  try {
    const db = new Database(join(dir, 'commits.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE m (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO m (body) VALUES (?)');
      const body = 'x'.repeat(300);
      const times: number[] = [];
      for (let i = 0; i < commits; i++) {
        const t = performance.now();
        insert.run(body);
        times.push(performance.now() - t);
      }
      const ms = (p: number): number => round(percentile(times, p), 2);
      return { commits, p50: ms(50), p95: ms(95), p99: ms(99), max: round(Math.max(...times), 2) };
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

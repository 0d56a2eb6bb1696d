// Retention purge on SQLite: one IMMEDIATE transaction per batch deletes the oldest ended handovers
// with their outbox rows, events, transcript and parked events (children first: the foreign keys are on).
import type Database from 'better-sqlite3';
import type { RetentionRepository } from '../../core/ports/store/index.ts';
import { assertLimit } from '../limits.ts';
import { canonicalInstant } from '../timestamps.ts';

export function sqliteRetention(db: Database.Database): RetentionRepository {
  let purge: ((before: string, limit: number) => number) | undefined;
  return {
    purgeEnded: (endedBefore, limit) =>
      new Promise((resolve) => {
        assertLimit(limit, 'limit');
        // Prepared on first use: the tables exist only after migrate().
        purge ??= preparePurge(db);
        resolve(purge(canonicalInstant(endedBefore, 'endedBefore'), limit));
      }),
  };
}

function preparePurge(db: Database.Database): (before: string, limit: number) => number {
  const pick = db.prepare(
    `SELECT id FROM handovers
      WHERE state IN ('ended', 'failed') AND COALESCE(ended_at, updated_at) < ?
      ORDER BY COALESCE(ended_at, updated_at), id LIMIT ?`,
  );
  const deletes = ['outbox', 'events', 'transcript', 'parked_events'].map((table) =>
    db.prepare(`DELETE FROM ${table} WHERE handover_id IN (SELECT value FROM json_each(?))`),
  );
  const deleteHandovers = db.prepare('DELETE FROM handovers WHERE id IN (SELECT value FROM json_each(?))');
  const purge = db.transaction((before: string, limit: number): number => {
    const ids = (pick.all(before, limit) as { id: string }[]).map((r) => r.id);
    if (ids.length === 0) return 0;
    const list = JSON.stringify(ids);
    for (const d of deletes) d.run(list);
    deleteHandovers.run(list);
    return ids.length;
  });
  return (before, limit) => purge.immediate(before, limit);
}

// Applies an ordered migration list to a SQLite database, each step in its own transaction.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { assertMigrationOrder } from '../migration.ts';
import type { Migration } from '../migration.ts';

const appliedRow = z.object({ id: z.number() });

export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  now: () => Date,
): number[] {
  assertMigrationOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`);
  const isApplied = db.prepare<[number]>('SELECT id FROM schema_migrations WHERE id = ?');
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)',
  );

  // A database migrated by a newer release must not be written by an older one: its schema may
  // mean things this code does not know.
  const newest = appliedRow
    .optional()
    .parse(db.prepare('SELECT id FROM schema_migrations ORDER BY id DESC LIMIT 1').get());
  if (newest && newest.id > migrations.length) {
    throw new Error(
      `database schema is at migration ${newest.id}, newer than this release knows (${migrations.length})`,
    );
  }

  const applied: number[] = [];
  for (const migration of migrations) {
    // IMMEDIATE takes the write lock before the check, so two processes starting together apply
    // each step once: the second waits (busy_timeout), then sees the step recorded and skips it.
    const step = db.transaction(() => {
      if (isApplied.get(migration.id) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.id, migration.name, now().toISOString());
      return true;
    });
    if (step.immediate()) applied.push(migration.id);
  }
  return applied;
}

// Applies an ordered migration list to a PostgreSQL schema. Several gateway instances may start at
// once: a session advisory lock, keyed by the schema, serialises them, so each step runs once and
// a latecomer waits, then finds every step recorded. Each step is its own transaction (PostgreSQL
// DDL is transactional): a failing step leaves no trace, the steps before it stay applied.
import pg from 'pg';
import { z } from 'zod';
import { assertMigrationOrder } from '../migration.ts';
import type { Migration } from '../migration.ts';
import { parseRow } from '../parse-row.ts';

const idRow = z.object({ id: z.number().int() });

/** The advisory-lock name for a schema (`undefined`: whatever the search_path selects). */
function lockName(schema: string | undefined): string {
  return `genesys-handover migrate ${schema ?? '(search_path)'}`;
}

/** Returns the ids applied by this call (empty when the schema was up to date). */
export async function applyMigrations(
  pool: pg.Pool,
  migrations: readonly Migration[],
  schema: string | undefined,
): Promise<number[]> {
  assertMigrationOrder(migrations);
  const client = await pool.connect();
  let failed = false;
  try {
    // Session-level: held across the per-step transactions, released by unlock or, if this
    // process dies, by the server when the connection drops.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockName(schema)]);
    try {
      return await migrateLocked(client, migrations, schema);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockName(schema)]);
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // After any failure the connection is closed, not pooled: it may still hold the lock or sit in
    // an aborted transaction.
    client.release(failed);
  }
}

async function migrateLocked(
  client: pg.PoolClient,
  migrations: readonly Migration[],
  schema: string | undefined,
): Promise<number[]> {
  if (schema !== undefined) {
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even
    // when the schema exists, and an operator may have created it for a less privileged role.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
  }
  // Looked up first for the same reason: IF NOT EXISTS still wants CREATE on the schema, which the
  // gateway's role may lack once the tables exist.
  const present = await client.query("SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL");
  if (present.rowCount === 0) {
    await client.query(`CREATE TABLE schema_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`);
  }

  // A schema migrated by a newer release must not be written by an older one: it may mean things
  // this code does not know.
  const done = new Set(
    (await client.query('SELECT id FROM schema_migrations')).rows.map(
      (row) => parseRow(idRow, row, 'schema_migrations').id,
    ),
  );
  const newestId = Math.max(0, ...done);
  if (newestId > migrations.length) {
    throw new Error(
      `database schema is at migration ${newestId}, newer than this release knows (${migrations.length})`,
    );
  }

  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
        migration.id,
        migration.name,
      ]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
    applied.push(migration.id);
  }
  return applied;
}

// Prepared statements, compiled once per connection on first use (after `migrate`, when the tables exist).
import type Database from 'better-sqlite3';
import type { z } from 'zod';

export class StatementCache {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  get(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

/** Parses one row with a zod schema; the error lists the offending columns, never their values. */
export function parseRow<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
  const result = schema.safeParse(row);
  if (result.success) return result.data;
  const columns = result.error.issues.map((i) => i.path.map(String).join('.') || '(row)').join(', ');
  throw new Error(`unexpected ${table} row: bad ${columns}`);
}

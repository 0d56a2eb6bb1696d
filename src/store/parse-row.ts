// Row validation shared by store adapters: a database is a trust boundary (rows written by an older
// release or edited by hand), so every row is parsed before it becomes a model object.
import type { z } from 'zod';

/** Parses one row with a zod schema; the error lists the offending columns, never their values. */
export function parseRow<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
  const result = schema.safeParse(row);
  if (result.success) return result.data;
  const columns = result.error.issues.map((i) => i.path.map(String).join('.') || '(row)').join(', ');
  throw new Error(`unexpected ${table} row: bad ${columns}`);
}

// PostgreSQL errors as the store lets them out. pg's DatabaseError carries `detail` ("Failing row
// contains (…)"), `where` (the JSON text around a bad character) and `internalQuery`: any of them
// can quote a whole row — the provider_ref JWT included. So a server error is replaced by one that
// keeps only the SQLSTATE code, the constraint and table names and the server's primary message,
// which names objects, never values.
import pg from 'pg';

export class PostgresStoreError extends Error {
  /** SQLSTATE, e.g. `23505` for a unique violation. */
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;

  constructor(operation: string, source: pg.DatabaseError) {
    super(`${operation} failed: ${source.message}`);
    this.name = 'PostgresStoreError';
    this.code = source.code;
    this.constraint = source.constraint;
    this.table = source.table;
  }
}

/** The error to throw for `err` raised during `operation`: server errors sanitised, others as they are. */
export function storeError(err: unknown, operation: string): unknown {
  return err instanceof pg.DatabaseError ? new PostgresStoreError(operation, err) : err;
}

/** Runs `work`, replacing a server error by its sanitised form. */
export async function guarded<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw storeError(err, operation);
  }
}

// One transaction on one pooled connection: BEGIN, the work, COMMIT — or ROLLBACK on any throw.
import type pg from 'pg';

/**
 * What query modules need: a pooled connection inside a transaction, or the pool for a single
 * statement. Rows come back as `unknown`: every query module parses them with a schema.
 */
export interface Sql {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ readonly rows: unknown[]; readonly rowCount: number | null }>;
}

export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection whose transaction state is unknown (BEGIN or ROLLBACK failed: the socket is
  // probably gone) is destroyed rather than handed to the next caller mid-transaction.
  let destroy = false;
  try {
    try {
      await client.query('BEGIN');
    } catch (err) {
      destroy = true;
      throw err;
    }
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        destroy = true;
      }
      throw err;
    }
  } finally {
    client.release(destroy);
  }
}

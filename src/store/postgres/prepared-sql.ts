// The query modules' statements as named prepared statements: each connection parses and plans a
// statement once, then only binds and runs it. Sent unnamed, PostgreSQL parsed and planned every
// call: planning alone was about half of the server's time on the relay bench (pg_stat_statements:
// 15 s of planning beside 15 s of execution; the server, not the gateway, was the limit — issue 12,
// bench/README.md round eighteen). Plans stay PostgreSQL's to choose (plan_cache_mode): a custom
// plan for the first five runs, then a generic one where its estimate is no worse — an estimate
// that can be wrong: a statement whose best plan depends on its values starts with PLANNED_PER_CALL and goes unnamed
// (the outbox claim's generic plan took ~30 ms a call against ~1 ms planned for its values, in the
// same measurement).
//
// A name is a stable id per distinct text. The texts a query module builds vary only with the length
// of a list (`IN ($2, $3, …)`, a batch), but each named text stays prepared on every connection that
// ran it, so past MAX_NAMED distinct texts the rest go unnamed, as before.
import type pg from 'pg';
import type { Sql } from './transaction.ts';

const MAX_NAMED = 500;

/** Put first in a statement to have it parsed and planned on every call (sent unnamed). */
export const PLANNED_PER_CALL = '/* planned per call */';

/** A name per distinct statement text, the first `max` texts only. */
export class StatementNames {
  readonly #names = new Map<string, string>();
  readonly #max: number;

  constructor(max = MAX_NAMED) {
    this.#max = max;
  }

  /** The text's name; undefined: send it unnamed. */
  of(text: string): string | undefined {
    if (text.startsWith(PLANNED_PER_CALL)) return undefined;
    let name = this.#names.get(text);
    if (name === undefined && this.#names.size < this.#max) {
      name = `gh_${this.#names.size}`;
      this.#names.set(text, name);
    }
    return name;
  }
}

/** One naming for the process: a text keeps its name on every pool and connection. */
const processNames = new StatementNames();

/** `sql` (the pool, or a connection in a transaction) sending each statement by its name. */
export function preparedSql(sql: pg.Pool | pg.PoolClient | pg.Client, names = processNames): Sql {
  return {
    query: (text, values = []) => {
      const name = names.of(text);
      const config: pg.QueryConfig = name === undefined ? { text, values } : { name, text, values };
      return sql.query(config);
    },
  };
}

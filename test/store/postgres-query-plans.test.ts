// The hot queries on PostgreSQL do not grow with history (issue 12): the statements the store sends
// while the hot-path workload runs are captured, and each one's `EXPLAIN` is read with sequential
// scans disabled — a Seq Scan left in the plan means no index could serve it. No statement may read a
// whole table, nor a whole index unless the index holds only work still to do (LIVE_ONLY) — neither
// planned for its values nor, for a statement sent by name (prepared-sql.ts), on the generic plan
// PostgreSQL may switch it to. (SQLite twin: sqlite-query-plans.test.ts.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { HOT_TABLES as TABLES, LIVE_ONLY_INDEXES as LIVE_ONLY, hotWorkload } from './hot-workload.ts';

const databaseUrl = process.env.DATABASE_URL;

void describe('hot query plans: PostgreSQL', () => {
  test('with sequential scans off, no hot statement reads a table or a non-partial index whole', async () => {
    assert.ok(databaseUrl, 'DATABASE_URL is not set: run this test with `npm test`');
    const schema = `gh_plans_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    /** Each statement's text → its values, and whether it was sent by name (prepared-sql.ts). */
    const captured = new Map<string, { values: unknown[]; named: boolean }>();
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    const store = await PostgresStore.open({ connectionString: databaseUrl, schema, poolSize: 2 });
    const admin = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    try {
      // Watch every statement the store's pool sends (the real driver, only observed).
      prototype.query = function (this: unknown, ...args: unknown[]) {
        const [first, second] = args;
        if (typeof first === 'string')
          captured.set(first, { values: Array.isArray(second) ? second : [], named: false });
        else if (typeof first === 'object' && first !== null && 'text' in first) {
          const config = first as { text: string; values?: unknown[]; name?: string };
          captured.set(config.text, { values: config.values ?? [], named: config.name !== undefined });
        }
        return original.apply(this, args);
      };
      try {
        await hotWorkload(store);
      } finally {
        prototype.query = original;
      }
      await admin.connect();
      const indexes = (
        await admin.query<{ indexname: string; tablename: string; indexdef: string }>(
          'SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = $1',
          [schema],
        )
      ).rows;
      // A Bitmap Index Scan names its index, not its table.
      const tableOf = new Map(indexes.map((i) => [i.indexname, i.tablename]));
      const partial = new Set(indexes.filter((i) => i.indexdef.includes(' WHERE ')).map((i) => i.indexname));
      // Each live-only index exists and is partial: a renamed or widened one fails here, not silently.
      assert.deepEqual(
        [...LIVE_ONLY].filter((name) => !partial.has(name)),
        [],
      );
      await admin.query('SET enable_seqscan = off');
      const offenders: string[] = [];
      const check = (plan: PlanNode, sql: string, which: string): void => {
        for (const node of walk(plan)) {
          const index = node['Index Name'];
          const table = node['Relation Name'] ?? (index === undefined ? undefined : tableOf.get(index));
          if (table === undefined || !TABLES.includes(table)) continue;
          const type = node['Node Type'];
          const whole =
            type === 'Seq Scan' ||
            (index !== undefined && !LIVE_ONLY.has(index) && node['Index Cond'] === undefined);
          if (whole)
            offenders.push(`${which}: ${type} on ${table}${index ? ` (${index})` : ''}\n  in: ${sql}`);
        }
      };
      let checked = 0;
      let generic = 0;
      for (const [sql, { values, named }] of captured) {
        if (!/^\s*(\/\*[^*]*\*\/\s*)?(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) continue;
        checked += 1;
        const { rows } = await admin.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          values,
        );
        check(rows[0]!['QUERY PLAN'][0].Plan, sql, 'planned for its values');
        if (!named) continue;
        // A statement sent by name may run on a generic plan, made without its values (after five
        // runs, when PostgreSQL finds it no costlier): that plan must not read a table whole either.
        generic += 1;
        await admin.query(`PREPARE generic_${generic} AS ${sql}`);
        await admin.query('SET plan_cache_mode = force_generic_plan');
        try {
          // EXECUTE takes no bind parameters: its values go as literals, typed by the PREPARE.
          const params = values.map((v) => literal(admin, v)).join(', ');
          const { rows: g } = await admin.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
            `EXPLAIN (FORMAT JSON) EXECUTE generic_${generic}${params ? `(${params})` : ''}`,
          );
          check(g[0]!['QUERY PLAN'][0].Plan, sql, 'generic plan');
        } finally {
          await admin.query('RESET plan_cache_mode');
        }
      }
      assert.ok(checked >= 15, `only ${checked} statements captured`);
      assert.ok(generic >= 15, `only ${generic} statements sent by name`);
      assert.deepEqual(offenders, []);
    } finally {
      await store.close();
      await admin
        .query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
        .catch(() => undefined);
      await admin.end();
    }
  });
});

/** A value as an untyped SQL literal (an array in PostgreSQL's array syntax, its nulls NULL). */
function literal(client: pg.Client, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v))
    return client.escapeLiteral(
      `{${v
        .map((x) =>
          x === null || x === undefined
            ? 'NULL'
            : `"${String(x).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
        )
        .join(',')}}`,
    );
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return client.escapeLiteral(String(v));
  return client.escapeLiteral(JSON.stringify(v));
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly Plans?: readonly PlanNode[];
}

function* walk(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

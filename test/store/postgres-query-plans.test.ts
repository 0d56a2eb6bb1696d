// The hot queries on PostgreSQL do not grow with history (issue 12): the statements the store sends
// while the hot-path workload runs are captured, and each one's `EXPLAIN` is read with sequential
// scans disabled — a Seq Scan left in the plan means no index could serve it. No statement may read a
// whole table, nor a whole index unless the index is partial. (SQLite twin: sqlite-query-plans.test.ts.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { HOT_TABLES as TABLES, hotWorkload } from './hot-workload.ts';

const databaseUrl = process.env.DATABASE_URL;

void describe('hot query plans: PostgreSQL', () => {
  test('with sequential scans off, no hot statement reads a table or a non-partial index whole', async () => {
    assert.ok(databaseUrl, 'DATABASE_URL is not set: run this test with `npm test`');
    const schema = `gh_plans_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    const captured = new Map<string, unknown[]>();
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = prototype.query;
    const store = await PostgresStore.open({ connectionString: databaseUrl, schema, poolSize: 2 });
    const admin = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    try {
      // Watch every statement the store's pool sends (the real driver, only observed).
      prototype.query = function (this: unknown, ...args: unknown[]) {
        const [text, values] = args;
        if (typeof text === 'string') captured.set(text, Array.isArray(values) ? values : []);
        return original.apply(this, args);
      };
      try {
        await hotWorkload(store);
      } finally {
        prototype.query = original;
      }
      await admin.connect();
      const partial = new Set(
        (
          await admin.query<{ indexname: string }>(
            `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '% WHERE %'`,
            [schema],
          )
        ).rows.map((r) => r.indexname),
      );
      assert.ok(partial.has('outbox_due') && partial.has('outbox_pending'));
      await admin.query('SET enable_seqscan = off');
      const offenders: string[] = [];
      let checked = 0;
      for (const [sql, values] of captured) {
        if (!/^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql)) continue;
        checked += 1;
        const { rows } = await admin.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          values,
        );
        for (const node of walk(rows[0]!['QUERY PLAN'][0].Plan)) {
          const table = node['Relation Name'];
          if (table === undefined || !TABLES.includes(table)) continue;
          const type = node['Node Type'];
          const index = node['Index Name'];
          const whole =
            type === 'Seq Scan' ||
            (index !== undefined && !partial.has(index) && node['Index Cond'] === undefined);
          if (whole) offenders.push(`${type} on ${table}${index ? ` (${index})` : ''}\n  in: ${sql}`);
        }
      }
      assert.ok(checked >= 15, `only ${checked} statements captured`);
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

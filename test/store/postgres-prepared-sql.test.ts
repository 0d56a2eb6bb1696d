// The PostgreSQL store's statements go as named prepared statements (prepared-sql.ts): parsed and
// planned once per connection. Checked on a real server: what a connection holds prepared after the
// calls, that a statement planned per call stays unnamed, and that the naming stops at its bound.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { PLANNED_PER_CALL, StatementNames, preparedSql } from '../../src/store/postgres/prepared-sql.ts';
import { hotWorkload } from './hot-workload.ts';

const databaseUrl = process.env.DATABASE_URL;

void describe('prepared statements (PostgreSQL)', () => {
  test('a statement is prepared once per connection and runs by its name after', async () => {
    assert.ok(databaseUrl, 'DATABASE_URL is not set: run this test with `npm test`');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const names = new StatementNames();
      const sql = preparedSql(client, names);
      const text = 'SELECT $1::int + 1 AS n';
      for (let i = 0; i < 3; i++) assert.deepEqual((await sql.query(text, [i])).rows, [{ n: i + 1 }]);
      await sql.query(`${PLANNED_PER_CALL} SELECT $1::int AS m`, [7]);
      const prepared = await client.query<{ name: string; statement: string }>(
        'SELECT name, statement FROM pg_prepared_statements ORDER BY name',
      );
      assert.deepEqual(
        prepared.rows.map((r) => [r.name, r.statement]),
        [['gh_0', text]],
        'the named text is prepared, once; the one planned per call is not',
      );
    } finally {
      await client.end();
    }
  });
});

/** Runs the hot-path workload on a store and tells how many of its statements went by name, and how many not. */
async function statementsSent(options: {
  preparedStatements?: boolean;
}): Promise<{ named: number; unnamed: number }> {
  assert.ok(databaseUrl, 'DATABASE_URL is not set: run this test with `npm test`');
  const schema = `gh_prep_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const store = await PostgresStore.open({ connectionString: databaseUrl, schema, poolSize: 2, ...options });
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  const seen = { named: 0, unnamed: 0 };
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const [first] = args;
    const text = typeof first === 'string' ? first : (first as { text?: unknown } | null)?.text;
    if (typeof text === 'string' && /^\s*(INSERT|UPDATE|DELETE)\b/i.test(text)) {
      if (typeof first === 'object' && first !== null && 'name' in first) seen.named += 1;
      else seen.unnamed += 1;
    }
    return original.apply(this, args);
  };
  try {
    await hotWorkload(store);
  } finally {
    prototype.query = original;
    await store.close();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
  return seen;
}

void describe("the store's statements (PostgreSQL)", () => {
  test('go by name by default', async () => {
    const { named, unnamed } = await statementsSent({});
    assert.ok(named >= 5, `${named} writes went by name`);
    assert.equal(unnamed, 0);
  });

  test('go unnamed with preparedStatements: false (a pooler that cannot keep them)', async () => {
    const { named, unnamed } = await statementsSent({ preparedStatements: false });
    assert.equal(named, 0);
    assert.ok(unnamed >= 5, `${unnamed} writes went unnamed`);
  });
});

void describe('statement names', () => {
  test('one stable name per text, none for a statement planned per call, none past the bound', () => {
    const names = new StatementNames(2);
    assert.equal(names.of('SELECT 1'), 'gh_0');
    assert.equal(names.of('SELECT 2'), 'gh_1');
    assert.equal(names.of('SELECT 1'), 'gh_0');
    assert.equal(names.of(`${PLANNED_PER_CALL} SELECT 3`), undefined);
    assert.equal(names.of('SELECT 4'), undefined, 'past the bound: unnamed');
    assert.equal(names.of('SELECT 2'), 'gh_1', 'a named text keeps its name');
  });
});

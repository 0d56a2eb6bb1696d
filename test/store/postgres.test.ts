// The contract suite on PostgreSQL, plus what only a shared database has: migrations racing from
// several instances, creates and commits racing across pools, outbox claims between instances, and
// server errors that must not leak the provider JWT. Every store gets a fresh schema, dropped at the
// end. `npm test` starts a throwaway PostgreSQL and sets DATABASE_URL; without it this file FAILS.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { HandoverState } from '../../src/core/model/handover.ts';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { VersionConflictError, type PendingDelivery } from '../../src/core/ports/store/index.ts';
import { applyMigrations } from '../../src/store/postgres/migrate.ts';
import { postgresMigrations } from '../../src/store/postgres/migrations.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStoreOptions } from '../../src/store/postgres/postgres-store.ts';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
import { sleep } from '../support/sleep.ts';
import {
  SECRET_JWT,
  at,
  makeEvent,
  makeHandover,
  makeLine,
  makeOutbound,
  makeProviderRef,
  nextVersion,
} from './fixtures.ts';
import { refusedWritesSuite } from './refused-writes.ts';
import { runStoreContract } from './store-contract.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  throw new Error(
    'DATABASE_URL is not set: run the PostgreSQL store tests with `npm test` (it starts a throwaway ' +
      'PostgreSQL 15) or point DATABASE_URL at a database where schemas may be created and dropped.',
  );
}
const url: string = databaseUrl;

const admin = new pg.Pool({ connectionString: url, max: 2 });
const schemas: string[] = [];
after(async () => {
  for (const schema of schemas)
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await admin.end();
});

function freshSchema(): string {
  const schema = `gh_test_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  schemas.push(schema);
  return schema;
}

/** Stores opened by a test, closed by `closeAll` (also on failure). */
function storeTracker(): {
  open: (options?: Partial<PostgresStoreOptions>) => Promise<PostgresStore>;
  closeAll: () => Promise<void>;
} {
  const opened: PostgresStore[] = [];
  return {
    open: async (options = {}) => {
      const store = await PostgresStore.open({ connectionString: url, poolSize: 4, ...options });
      opened.push(store);
      return store;
    },
    closeAll: async () => {
      await Promise.all(opened.map((s) => s.close()));
    },
  };
}

async function withStores(
  work: (open: ReturnType<typeof storeTracker>['open']) => Promise<void>,
): Promise<void> {
  const tracker = storeTracker();
  try {
    await work(tracker.open);
  } finally {
    await tracker.closeAll();
  }
}

/** A pool on `schema`, for raw SQL the port does not offer. */
async function withRaw<T>(schema: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

function assertNoSecret(err: unknown): void {
  assert.ok(err instanceof Error, `expected an Error, got ${String(err)}`);
  const text = inspect(err, { depth: 10, showHidden: true });
  assert.ok(!text.includes(SECRET_JWT), `the provider JWT leaked into an error: ${err.message}`);
  assert.ok(!text.includes('SIGNATURE-must-never-leak'));
}

const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => assert.fail('expected a rejection'),
    (err: unknown) => err,
  );

runStoreContract('postgres', () =>
  PostgresStore.open({ connectionString: url, schema: freshSchema(), poolSize: 4 }),
);
refusedWritesSuite('postgres', (onBatch) =>
  PostgresStore.open({ connectionString: url, schema: freshSchema(), poolSize: 4, groupCommit: { onBatch } }),
);

void describe('PostgresStore: migrations', () => {
  test('recorded once, in order, with the SQLite twin ids and names, however often migrate runs', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const store = await open({ schema });
      await store.migrate();
      await store.migrate();
      await (await open({ schema })).migrate();
    });
    await withRaw(schema, async (pool) => {
      const { rows } = await pool.query('SELECT id, name FROM schema_migrations ORDER BY id');
      assert.deepEqual(
        rows,
        postgresMigrations.map((m) => ({ id: m.id, name: m.name })),
      );
      assert.deepEqual(
        postgresMigrations.map((m) => [m.id, m.name]),
        sqliteMigrations.map((m) => [m.id, m.name]),
      );
      assert.deepEqual(await applyMigrations(pool, postgresMigrations, schema), []);
    });
  });

  test('several instances migrating one schema at once: each step applied exactly once', async () => {
    const schema = freshSchema();
    const pools = Array.from(
      { length: 5 },
      () => new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` }),
    );
    try {
      const applied = await Promise.all(
        pools.map((pool) => applyMigrations(pool, postgresMigrations, schema)),
      );
      const all = applied.flat().sort((a, b) => a - b);
      assert.deepEqual(
        all,
        postgresMigrations.map((m) => m.id),
      );
      assert.equal(applied.filter((ids) => ids.length > 0).length, 1, 'one instance applied them all');
      const { rows } = await pools[0]!.query('SELECT COUNT(*)::int AS n FROM schema_migrations');
      assert.deepEqual(rows, [{ n: postgresMigrations.length }]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    // And through the store: racing opens all come up usable.
    await withStores(async (open) => {
      const stores = await Promise.all([open({ schema }), open({ schema }), open({ schema })]);
      for (const s of stores) assert.deepEqual(await s.handovers.listUnended(), []);
    });
  });

  test('a misordered list is refused before touching the database', async () => {
    const schema = freshSchema();
    await withRaw(schema, async (pool) => {
      const [first, second] = postgresMigrations;
      await assert.rejects(applyMigrations(pool, [second!, first!], schema), /out of order/);
      const { rowCount } = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      assert.equal(rowCount, 0);
    });
  });

  test('a failing migration rolls back alone, earlier ones stay, and the lock is released', async () => {
    const schema = freshSchema();
    const broken = [
      { id: 1, name: 'ok', sql: 'CREATE TABLE a (x TEXT)' },
      { id: 2, name: 'broken', sql: 'CREATE TABLE b (x TEXT); CREATE TABLE a (y TEXT)' },
    ];
    await withRaw(schema, async (pool) => {
      await assert.rejects(applyMigrations(pool, broken, schema), /already exists/);
      const { rows } = await pool.query('SELECT id FROM schema_migrations');
      assert.deepEqual(rows, [{ id: 1 }]);
      assert.equal((await pool.query("SELECT to_regclass('b') AS t")).rows[0].t, null);
    });
    // Another pool (another instance) gets the advisory lock: it was not left held.
    await withRaw(schema, async (pool) => {
      const fixed = [broken[0]!, { id: 2, name: 'fixed', sql: 'CREATE TABLE b (x TEXT)' }];
      assert.deepEqual(
        await Promise.race([
          applyMigrations(pool, fixed, schema),
          sleep(10_000).then(() => 'lock still held'),
        ]),
        [2],
      );
    });
  });

  test('a schema migrated by a newer release is refused', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      await open({ schema });
    });
    await withRaw(schema, (pool) =>
      pool.query("INSERT INTO schema_migrations (id, name) VALUES (99, 'future')"),
    );
    await assert.rejects(PostgresStore.open({ connectionString: url, schema }), /newer than this release/);
  });

  test('a role without CREATE rights runs a migrated schema (least privilege)', async () => {
    // Needs a superuser (or CREATEROLE) DATABASE_URL with trust or no password for the new role:
    // what `npm test`'s throwaway cluster is.
    const schema = freshSchema();
    await withStores(async (open) => {
      await open({ schema });
    });
    const role = `gh_app_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const quotedRole = pg.escapeIdentifier(role);
    const quotedSchema = pg.escapeIdentifier(schema);
    await admin.query(`CREATE ROLE ${quotedRole} LOGIN`);
    try {
      await admin.query(`GRANT USAGE ON SCHEMA ${quotedSchema} TO ${quotedRole}`);
      await admin.query(
        `GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA ${quotedSchema} TO ${quotedRole}`,
      );
      const asApp = new URL(url);
      asApp.username = role;
      asApp.password = '';
      await withStores(async (open) => {
        const store = await open({ schema, connectionString: asApp.toString() });
        const h = makeHandover();
        await store.handovers.create({ handover: h, webhook: true, events: [makeEvent(h, 1)] });
        assert.equal((await store.events.dueDeliveries(at(100), 10)).length, 1);
      });
    } finally {
      await admin.query(`DROP OWNED BY ${quotedRole}`);
      await admin.query(`DROP ROLE ${quotedRole}`);
    }
  });

  test('a bad schema name or pool size is refused up front', () => {
    for (const schema of ['Public', 'x; DROP TABLE handovers', '1abc', '', 'a'.repeat(64)]) {
      assert.throws(() => new PostgresStore({ connectionString: url, schema }), RangeError);
    }
    assert.throws(() => new PostgresStore({ connectionString: url, poolSize: 0 }), RangeError);
    assert.throws(() => new PostgresStore({ connectionString: url, claimTtlMs: 1.5 }), RangeError);
  });
});

void describe('PostgresStore: several instances on one database', () => {
  test('concurrent createHandover from two pools: exactly one created, everyone sees it', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const [a, b] = await Promise.all([open({ schema }), open({ schema })]);
      for (let round = 0; round < 5; round += 1) {
        const customer = makeHandover().customer;
        const attempts = Array.from({ length: 8 }, () => makeHandover({ customer }));
        const results = await Promise.all(
          attempts.map((h, i) =>
            (i % 2 === 0 ? a : b).handovers.create({ handover: h, webhook: true, events: [makeEvent(h, 1)] }),
          ),
        );
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.record.handover.id)).size, 1);
      }
      assert.equal((await a.handovers.listUnended()).length, 5);
      assert.equal((await b.events.dueDeliveries(at(100), 100)).length, 5, 'only the winners owe deliveries');
    });
  });

  test('commits across pools: a stale version conflicts and writes nothing; racing commits, one wins', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const [a, b] = await Promise.all([open({ schema }), open({ schema })]);
      const h = makeHandover();
      await a.handovers.create({ handover: h, webhook: true, provider: { ref: makeProviderRef() } });
      await a.handovers.commit({
        handover: nextVersion(h, { state: 'queued' }),
        expectedVersion: 1,
        webhook: false,
      });
      const err = await rejection(
        b.handovers.commit({
          handover: nextVersion(h, { state: 'failed' }),
          expectedVersion: 1,
          webhook: true,
          events: [makeEvent(h, 1)],
          transcript: [makeLine(h, { providerMessageId: 'stale' })],
          provider: { ref: makeProviderRef() },
        }),
      );
      assert.ok(err instanceof VersionConflictError);
      assertNoSecret(err);
      assert.equal((await b.handovers.get(h.id))?.handover.state, 'queued');
      assert.deepEqual(await b.events.after(h.id, 0, 10), []);
      assert.equal(await b.transcript.hasProviderMessage(h.id, 'stale'), false);

      const v2 = nextVersion(h, { state: 'queued' });
      for (let round = 0; round < 5; round += 1) {
        const current = (await a.handovers.get(h.id))!.handover;
        const results = await Promise.allSettled(
          [a, b, a, b].map((s, i) =>
            s.handovers.commit({
              handover: nextVersion(current, { updatedAt: at(round * 10 + i) }),
              expectedVersion: current.version,
              webhook: false,
            }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results)
          if (r.status === 'rejected') assert.ok(r.reason instanceof VersionConflictError);
      }
      assert.equal((await b.handovers.get(h.id))?.handover.version, v2.version + 5);
    });
  });

  test('two instances draining one outbox: every event delivered exactly once, in order per handover', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const [a, b] = await Promise.all([open({ schema }), open({ schema })]);
      const all: HandoverEvent[] = [];
      for (let i = 0; i < 20; i += 1) {
        const h = makeHandover();
        const events = [1, 2, 3].map((seq) => makeEvent(h, seq));
        await a.handovers.create({ handover: { ...h, lastSeq: 3 }, webhook: true, events });
        all.push(...events);
      }
      const delivered: { by: string; event: HandoverEvent }[] = [];
      // A dispatcher loop per instance, polling concurrently with small batches so they overlap,
      // until every event is delivered (or a deadline: the assertions below then name what is
      // missing). Each starts with a batch polled before either records anything, so both take
      // part whatever the scheduling (a fast machine once let one instance drain everything while
      // the other's few polls all came back empty).
      const drain = async (
        name: string,
        store: PostgresStore,
        first: readonly PendingDelivery[],
      ): Promise<void> => {
        const deadline = Date.now() + 20_000;
        for (let due = first; delivered.length < all.length && Date.now() < deadline;) {
          for (const { event } of due) {
            delivered.push({ by: name, event });
            await store.events.recordDelivery(event.id, { kind: 'delivered', at: at(101) });
          }
          due = await store.events.dueDeliveries(at(100), 4);
          if (due.length === 0) await sleep(5);
        }
      };
      const firstA = await a.events.dueDeliveries(at(100), 4);
      const firstB = await b.events.dueDeliveries(at(100), 4);
      assert.ok(firstA.length > 0 && firstB.length > 0, 'a claim hides its events, not the other heads');
      await Promise.all([drain('a', a, firstA), drain('b', b, firstB)]);
      const ids = delivered.map((d) => d.event.id);
      assert.equal(new Set(ids).size, ids.length, 'an event was handed to both instances');
      assert.deepEqual(new Set(ids), new Set(all.map((e) => e.id)));
      const lastSeq = new Map<string, number>();
      for (const { event } of delivered) {
        assert.equal(event.seq, (lastSeq.get(event.handoverId) ?? 0) + 1, 'out of order within a handover');
        lastSeq.set(event.handoverId, event.seq);
      }
      assert.ok(new Set(delivered.map((d) => d.by)).size === 2, 'both instances took part');
    });
  });

  test('simultaneous polls never return the same event; a claim hides it from others, not from its owner', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const [a, b, c] = await Promise.all([open({ schema }), open({ schema }), open({ schema })]);
      for (let i = 0; i < 30; i += 1) {
        const h = makeHandover();
        await a.handovers.create({
          handover: { ...h, lastSeq: 2 },
          webhook: true,
          events: [makeEvent(h, 1), makeEvent(h, 2)],
        });
      }
      const batches = await Promise.all([a, b, c, a, b, c].map((s) => s.events.dueDeliveries(at(100), 7)));
      const ids = batches.flat().map((d) => d.event.id);
      // a and b and c each polled twice: an instance may see its own claims again, never another's.
      const byStore = [0, 1, 2].map(
        (i) => new Set([...batches[i]!, ...batches[i + 3]!].map((d) => d.event.id)),
      );
      for (const [i, mine] of byStore.entries()) {
        for (const [j, theirs] of byStore.entries()) {
          if (i !== j)
            assert.deepEqual(
              [...mine].filter((id) => theirs.has(id)),
              [],
              `stores ${i} and ${j} share an event`,
            );
        }
      }
      for (const d of batches.flat()) assert.equal(d.event.seq, 1, 'only heads are handed out');
      // A fourth instance gets exactly the heads nobody claimed: claims partition the outbox.
      const d = await open({ schema });
      const rest = (await d.events.dueDeliveries(at(100), 100)).map((x) => x.event.id);
      const claimed = new Set(ids);
      assert.deepEqual(
        rest.filter((id) => claimed.has(id)),
        [],
      );
      assert.equal(claimed.size + rest.length, 30, 'every handover head is claimed by exactly one instance');
      // The owner is offered its claimed events again (its dispatcher skips those in flight).
      const claimedByA = [...byStore[0]!];
      const again = new Set((await a.events.dueDeliveries(at(100), 100)).map((d) => d.event.id));
      for (const id of claimedByA) assert.ok(again.has(id), 'the owner lost sight of its own claim');
      const forB = new Set((await b.events.dueDeliveries(at(100), 100)).map((d) => d.event.id));
      for (const id of claimedByA) assert.ok(!forB.has(id), 'another instance got a claimed event');
    });
  });

  test('an instance that dies mid-delivery: its claim expires and another delivers again', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const dying = await open({ schema, claimTtlMs: 400 });
      const survivor = await open({ schema });
      const h = makeHandover();
      const events = [makeEvent(h, 1), makeEvent(h, 2)];
      await survivor.handovers.create({ handover: { ...h, lastSeq: 2 }, webhook: true, events });
      assert.deepEqual(
        (await dying.events.dueDeliveries(at(100), 10)).map((d) => d.event.id),
        [events[0]!.id],
      );
      await dying.close(); // died without recording an outcome
      assert.deepEqual(
        await survivor.events.dueDeliveries(at(100), 10),
        [],
        'claimed: not offered, nor the next event',
      );
      await sleep(600);
      const redelivered = await survivor.events.dueDeliveries(at(100), 10);
      assert.deepEqual(
        redelivered.map((d) => [d.event.id, d.attempts]),
        [[events[0]!.id, 0]],
      );
    });
  });

  test('a restarted instance takes back the claims of its previous life at once (issue 8, defect 9)', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const first = await open({ schema, instanceId: 'gw-1' });
      const other = await open({ schema, instanceId: 'gw-2' });
      const hs = [makeHandover(), makeHandover()];
      for (const h of hs)
        await first.handovers.create({
          handover: { ...h, lastSeq: 1 },
          webhook: true,
          events: [makeEvent(h, 1)],
        });
      assert.equal((await first.events.dueDeliveries(at(100), 10)).length, 2);
      await first.close(); // kill -9: the claims stay behind for 60 s
      assert.deepEqual(await other.events.dueDeliveries(at(100), 10), [], 'held by the dead instance');
      const second = await open({ schema, instanceId: 'gw-1' });
      assert.equal(await second.releaseClaims('own'), 2);
      assert.equal(
        (await other.events.dueDeliveries(at(100), 10)).length,
        2,
        'released: due for every instance',
      );
      // One instance on the database: every claim goes, whoever held it.
      const third = await open({ schema, instanceId: 'gw-3' });
      assert.equal(await third.releaseClaims('all'), 2);
      assert.equal((await third.events.dueDeliveries(at(100), 10)).length, 2);
    });
  });

  test('only what is sent is claimed: handovers in flight are skipped, the limit is exact', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const store = await open({ schema, instanceId: 'gw-1' });
      const hs = Array.from({ length: 5 }, () => makeHandover());
      for (const h of hs)
        await store.handovers.create({
          handover: { ...h, lastSeq: 1 },
          webhook: true,
          events: [makeEvent(h, 1)],
        });
      const inFlight = new Set([hs[0]!.id, hs[1]!.id]);
      const due = await store.events.dueDeliveries(at(100), 2, inFlight);
      assert.equal(due.length, 2);
      for (const d of due) assert.ok(!inFlight.has(d.event.handoverId));
      const pool = new pg.Pool({ connectionString: url });
      try {
        const { rows } = await pool.query(
          `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE claimed_by IS NOT NULL`,
        );
        assert.equal((rows[0] as { n: number }).n, 2, 'claims = rows handed out');
      } finally {
        await pool.end();
      }
    });
  });

  test('a recorded retry releases the claim: the next attempt is due for every instance', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const [a, b] = await Promise.all([open({ schema }), open({ schema })]);
      const h = makeHandover();
      const event = makeEvent(h, 1);
      await a.handovers.create({ handover: { ...h, lastSeq: 1 }, webhook: true, events: [event] });
      assert.equal((await a.events.dueDeliveries(at(2), 10)).length, 1);
      assert.deepEqual(await b.events.dueDeliveries(at(2), 10), []);
      await a.events.recordDelivery(event.id, {
        kind: 'retry',
        at: at(2),
        nextAttemptAt: at(5),
        error: 'HTTP 503',
      });
      assert.deepEqual(await b.events.dueDeliveries(at(4), 10), [], 'not due before nextAttemptAt');
      assert.deepEqual(await b.events.dueDeliveries(at(5), 10), [
        { event, attempts: 1, nextAttemptAt: at(5), firstAttemptAt: at(2) },
      ]);
      // b now holds it; a dead-letter and replay by an operator clears any claim too.
      await b.events.recordDelivery(event.id, { kind: 'dead', at: at(6), error: 'gone' });
      assert.equal(await a.events.replayDeadLetters({ eventId: event.id }, at(7)), 1);
      assert.equal((await a.events.dueDeliveries(at(7), 10)).length, 1);
    });
  });

  test('everything survives closing and reopening (a restart)', async () => {
    const schema = freshSchema();
    const h = makeHandover();
    const ref = makeProviderRef();
    const events = [makeEvent(h, 1), makeEvent(h, 2)];
    const lines = [makeLine(h, { providerMessageId: 'pm-1' }), makeOutbound(h, 1)];
    const v2 = nextVersion(h, { state: 'queued', lastSeq: 2 });
    await withStores(async (open) => {
      const first = await open({ schema });
      await first.handovers.create({
        handover: h,
        webhook: true,
        provider: { ref },
        events: [events[0]!],
        transcript: lines,
      });
      await first.handovers.commit({ handover: v2, expectedVersion: 1, webhook: true, events: [events[1]!] });
      await first.events.recordDelivery(events[0]!.id, {
        kind: 'retry',
        at: at(1),
        nextAttemptAt: at(3),
        error: 'HTTP 502',
      });
    });
    await withStores(async (open) => {
      const second = await open({ schema });
      assert.deepEqual(await second.handovers.get(h.id), { handover: v2, provider: { ref } });
      assert.deepEqual(await second.handovers.listUnended(), [{ handover: v2, provider: { ref } }]);
      assert.deepEqual(await second.events.after(h.id, 0, 10), events);
      assert.deepEqual(await second.transcript.all(h.id), lines);
      assert.deepEqual(await second.transcript.pendingOutbound(h.id), [lines[1]]);
      assert.deepEqual(await second.events.dueDeliveries(at(3), 10), [
        { event: events[0], attempts: 1, nextAttemptAt: at(3), firstAttemptAt: at(1) },
      ]);
    });
  });

  test('schemas isolate stores on one database', async () => {
    await withStores(async (open) => {
      const [a, b] = await Promise.all([open({ schema: freshSchema() }), open({ schema: freshSchema() })]);
      const h = makeHandover();
      await a.handovers.create({ handover: h, webhook: false });
      assert.equal(await b.handovers.get(h.id), undefined);
      assert.equal(
        (await b.handovers.create({ handover: makeHandover({ customer: h.customer }), webhook: false }))
          .created,
        true,
      );
    });
  });
});

void describe('PostgresStore: secrets and errors', () => {
  test('a server error while writing a provider ref never carries the JWT', async () => {
    await withStores(async (open) => {
      const store = await open({ schema: freshSchema() });
      // A CHECK violation: PostgreSQL's detail quotes the whole failing row, provider_ref included.
      const bogus = makeHandover({ state: 'bogus' as HandoverState });
      const checkErr = await rejection(
        store.handovers.create({ handover: bogus, webhook: false, provider: { ref: makeProviderRef() } }),
      );
      assertNoSecret(checkErr);
      assert.match((checkErr as Error).message, /createHandover failed: .*check constraint/);
      assert.equal((checkErr as { code?: string }).code, '23514');

      // JSONB refuses \u0000; PostgreSQL's `where` quotes the JSON text around it.
      const h = makeHandover();
      await store.handovers.create({ handover: h, webhook: false });
      const nul = { kind: 'genesys-guest-chat', data: { jwt: SECRET_JWT, note: 'a\u0000b' } };
      const jsonErr = await rejection(
        store.handovers.commit({
          handover: nextVersion(h),
          expectedVersion: 1,
          webhook: false,
          provider: { ref: nul },
        }),
      );
      assertNoSecret(jsonErr);
      assert.equal((await store.handovers.get(h.id))?.handover.version, 1);

      // A unique violation's detail quotes the key: still only the constraint name comes out.
      const dupErr = await rejection(
        store.handovers.create({
          handover: { ...makeHandover(), id: h.id },
          webhook: false,
          provider: { ref: makeProviderRef() },
        }),
      );
      assertNoSecret(dupErr);
      assert.equal((dupErr as { constraint?: string }).constraint, 'handovers_pkey');
    });
  });

  test('a corrupt provider_ref column fails without echoing the secret', async () => {
    const schema = freshSchema();
    await withStores(async (open) => {
      const store = await open({ schema });
      const h = makeHandover();
      await store.handovers.create({ handover: h, webhook: false, provider: { ref: makeProviderRef() } });
      await withRaw(schema, async (pool) => {
        for (const bad of [
          { kind: 7, data: { jwt: SECRET_JWT } },
          { kind: 'x', jwt: SECRET_JWT },
          [SECRET_JWT],
        ]) {
          await pool.query('UPDATE handovers SET provider_ref = $1::jsonb WHERE id = $2', [
            JSON.stringify(bad),
            h.id,
          ]);
          const err = await rejection(store.handovers.get(h.id));
          assertNoSecret(err);
          assert.match((err as Error).message, /provider_ref/);
          assert.equal(
            ((await rejection(store.handovers.listUnended())) as Error).message.includes(SECRET_JWT),
            false,
          );
        }
      });
    });
  });

  test('close is idempotent; a closed store rejects instead of throwing', async () => {
    const store = await PostgresStore.open({ connectionString: url, schema: freshSchema() });
    await store.close();
    await store.close();
    const pending = store.handovers.get('x');
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending);
  });

  test('an unreachable database fails migrate with an error that does not echo the password', async () => {
    const target = new URL(url);
    target.password = 'pw-must-not-leak';
    target.port = '1'; // nothing listens there
    const err = await rejection(
      PostgresStore.open({ connectionString: target.toString(), connectTimeoutMs: 2000 }),
    );
    assert.ok(!inspect(err, { depth: 10 }).includes('pw-must-not-leak'));
  });
});

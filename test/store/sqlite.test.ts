// The contract suite on SQLite (in memory and on a file), plus what only SQLite has: the file,
// its pragmas, migrations and several connections sharing one file.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { openDatabase } from '../../src/store/sqlite/connection.ts';
import { applyMigrations } from '../../src/store/sqlite/migrate.ts';
import { sqliteMigrations } from '../../src/store/sqlite/migrations.ts';
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

const root = mkdtempSync(join(tmpdir(), 'gh-store-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});
const freshPath = (): string => join(root, randomUUID(), 'store.db');

runStoreContract('sqlite :memory:', () => SqliteStore.open({ path: ':memory:' }));
runStoreContract('sqlite file', () => SqliteStore.open({ path: freshPath() }));
refusedWritesSuite('sqlite file, writer thread', (onBatch) =>
  SqliteStore.open({ path: freshPath(), groupCommit: { onBatch } }),
);
refusedWritesSuite('sqlite file, inline writer', (onBatch) =>
  SqliteStore.open({ path: freshPath(), writer: 'inline', groupCommit: { onBatch } }),
);

void describe('SqliteStore specifics', () => {
  test('creates the parent directories; WAL, its checkpoint interval, foreign keys and busy timeout are on', async () => {
    const path = join(root, randomUUID(), 'deep', 'er', 'store.db');
    const store = await SqliteStore.open({ path, busyTimeoutMs: 1234 });
    try {
      assert.ok(existsSync(path));
      const raw = new Database(path, { readonly: true });
      try {
        assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
    }
    // Per-connection pragmas: read back from a connection opened the way the store opens its own.
    const db = openDatabase({ path, busyTimeoutMs: 1234 });
    try {
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(db.pragma('busy_timeout', { simple: true }), 1234);
      assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 10_000); // fewer, larger checkpoints
    } finally {
      db.close();
    }
  });

  test('migrations are recorded once, in order, however often migrate runs', async () => {
    const path = freshPath();
    const store = new SqliteStore({ path });
    await store.migrate();
    await store.migrate();
    await store.close();
    const reopened = await SqliteStore.open({ path });
    await reopened.close();
    const db = new Database(path);
    try {
      const rows = db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();
      assert.deepEqual(
        rows,
        sqliteMigrations.map((m) => ({ id: m.id, name: m.name })),
      );
      // Running the list again on the raw connection applies nothing.
      assert.deepEqual(
        applyMigrations(db, sqliteMigrations, () => new Date()),
        [],
      );
    } finally {
      db.close();
    }
  });

  test('a misordered migration list is refused before touching the database', () => {
    const db = new Database(':memory:');
    try {
      const [first, second] = sqliteMigrations;
      assert.throws(() => applyMigrations(db, [second!, first!], () => new Date()), /out of order/);
      assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'handovers'").get(), undefined);
    } finally {
      db.close();
    }
  });

  test('a failing migration rolls back alone; earlier ones stay applied', () => {
    const db = new Database(':memory:');
    try {
      const broken = [
        { id: 1, name: 'ok', sql: 'CREATE TABLE a (x TEXT)' },
        { id: 2, name: 'broken', sql: 'CREATE TABLE b (x TEXT); CREATE TABLE a (y TEXT)' },
      ];
      assert.throws(() => applyMigrations(db, broken, () => new Date()));
      assert.deepEqual(db.prepare('SELECT id FROM schema_migrations').all(), [{ id: 1 }]);
      assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get(), undefined);
    } finally {
      db.close();
    }
  });

  test('a database migrated by a newer release is refused', async () => {
    const path = freshPath();
    await (await SqliteStore.open({ path })).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (id, name, applied_at) VALUES (99, 'future', ?)").run(at(0));
    db.close();
    await assert.rejects(SqliteStore.open({ path }), /newer than this release/);
  });

  test('everything survives closing and reopening the file', async () => {
    const path = freshPath();
    const h = makeHandover();
    const ref = makeProviderRef();
    const events = [makeEvent(h, 1), makeEvent(h, 2)];
    const lines = [makeLine(h, { providerMessageId: 'pm-1' }), makeOutbound(h, 1)];
    const first = await SqliteStore.open({ path });
    await first.handovers.create({
      handover: h,
      webhook: true,
      provider: { ref },
      events: [events[0]!],
      transcript: lines,
    });
    const v2 = nextVersion(h, { state: 'queued', lastSeq: 2 });
    await first.handovers.commit({ handover: v2, expectedVersion: 1, webhook: true, events: [events[1]!] });
    await first.events.recordDelivery(events[0]!.id, {
      kind: 'retry',
      at: at(1),
      nextAttemptAt: at(3),
      error: 'HTTP 502',
    });
    await first.close();

    const second = await SqliteStore.open({ path });
    try {
      assert.deepEqual(await second.handovers.get(h.id), { handover: v2, provider: { ref } });
      assert.deepEqual(await second.handovers.listUnended(), [{ handover: v2, provider: { ref } }]);
      assert.deepEqual(await second.events.after(h.id, 0, 10), events);
      assert.deepEqual(await second.transcript.all(h.id), lines);
      assert.deepEqual(await second.transcript.pendingOutbound(h.id), [lines[1]]);
      assert.deepEqual(await second.events.dueDeliveries(at(3), 10), [
        { event: events[0], attempts: 1, nextAttemptAt: at(3), firstAttemptAt: at(1) },
      ]);
      // The version check holds across restarts too.
      await assert.rejects(
        second.handovers.commit({ handover: nextVersion(h), expectedVersion: 1, webhook: false }),
      );
    } finally {
      await second.close();
    }
  });

  test('two stores on one file: one unended handover per customer across connections', async () => {
    const path = freshPath();
    const a = await SqliteStore.open({ path });
    const b = await SqliteStore.open({ path });
    try {
      const customer = makeHandover().customer;
      const results = await Promise.all(
        [a, b, a, b].map((s) => s.handovers.create({ handover: makeHandover({ customer }), webhook: false })),
      );
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.record.handover.id)).size, 1);
      const winner = results[0]!.record.handover;
      await a.handovers.commit({
        handover: nextVersion(winner, { state: 'queued' }),
        expectedVersion: 1,
        webhook: false,
      });
      await assert.rejects(
        b.handovers.commit({
          handover: nextVersion(winner, { state: 'failed' }),
          expectedVersion: 1,
          webhook: false,
        }),
      );
      assert.equal((await b.handovers.get(winner.id))?.handover.state, 'queued');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('the partial unique index holds even for a writer that skips the check', async () => {
    const path = freshPath();
    const store = await SqliteStore.open({ path });
    const h = makeHandover();
    await store.handovers.create({ handover: h, webhook: false });
    await store.close();
    const db = new Database(path);
    try {
      const copy = db.prepare('SELECT * FROM handovers WHERE id = ?').get(h.id) as Record<string, unknown>;
      const insert = db.prepare(
        `INSERT INTO handovers (${Object.keys(copy).join(', ')}) VALUES (${Object.keys(copy)
          .map((k) => `@${k}`)
          .join(', ')})`,
      );
      assert.throws(() => insert.run({ ...copy, id: 'twin' }), /UNIQUE constraint failed/);
      assert.doesNotThrow(() => insert.run({ ...copy, id: 'ended-twin', state: 'ended' }));
    } finally {
      db.close();
    }
  });

  test('a corrupt provider_ref column fails without echoing the secret', async () => {
    const path = freshPath();
    const store = await SqliteStore.open({ path });
    const h = makeHandover();
    await store.handovers.create({ handover: h, webhook: false, provider: { ref: makeProviderRef() } });
    const db = new Database(path);
    for (const bad of [`{"kind":7,"data":{"jwt":"${SECRET_JWT}"}}`, `{"kind":"x","jwt":"${SECRET_JWT}"`]) {
      db.prepare('UPDATE handovers SET provider_ref = ? WHERE id = ?').run(bad, h.id);
      await assert.rejects(store.handovers.get(h.id), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /provider_ref/);
        assert.ok(
          !JSON.stringify({ m: err.message, s: err.stack, c: String(err.cause) }).includes(SECRET_JWT),
        );
        return true;
      });
    }
    db.close();
    await store.close();
  });

  test('close is idempotent; a closed store rejects instead of throwing', async () => {
    const store = await SqliteStore.open({ path: ':memory:' });
    await store.close();
    await store.close();
    const pending = store.handovers.get('x');
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending);
  });
});

void describe('SqliteStore: private files', () => {
  test('directories it creates are 0700; the database, -wal and -shm files 0600, older files tightened', async () => {
    const { statSync, chmodSync } = await import('node:fs');
    const base = join(root, randomUUID());
    const path = join(base, 'private', 'store.db');
    const mode = (p: string): number => statSync(p).mode & 0o777;
    const store = await SqliteStore.open({ path });
    try {
      const h = makeHandover();
      await store.handovers.create({ handover: h, webhook: true, events: [makeEvent(h, 1)] });
      assert.equal(mode(base), 0o700);
      assert.equal(mode(join(base, 'private')), 0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        assert.ok(existsSync(file), file);
        assert.equal(mode(file), 0o600, file);
      }
    } finally {
      await store.close();
    }
    // A file an older release left readable by everyone is tightened on open.
    chmodSync(path, 0o644);
    const again = await SqliteStore.open({ path });
    try {
      assert.equal(mode(path), 0o600);
    } finally {
      await again.close();
    }
  });
});
